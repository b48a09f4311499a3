/**
 * Who may ask for a rotation, turned into a draft: [Rotate] (on an expiring-secret row or a finding) and "rotate the
 * secret of D365-App-Registration". Only the app's owners (Entra app owners) and the admins may ask. The caller's
 * tenant was checked by the approvals layer before.
 */
import type { Caller } from '../../access/caller';
import type { DomainContext } from '../../context';
import { isTenantApiError } from '../../tenant/errors';
import type { AppRegistration } from '../../tenant/model';
import { bestMatches, matchScore } from '../../understanding/nameResolution';
import type { DraftResult } from '../operationKind';
import type { RotationOperation } from './definition';
import { rotationRiskNotes } from './riskNotes';

export interface RotationQuery {
  appObjectId?: string;
  appQuery?: string;
}

/**
 * The rule itself, on facts already known: an admin, or one of the app's owners (object ids compared without case).
 * The request checks it on every click; cards and digests use it to offer [Rotate] only to whom it accepts.
 */
export function rotationRequestAllowed(
  userId: string,
  facts: { admin: boolean; ownerIds: readonly string[] | undefined },
): boolean {
  if (facts.admin) return true;
  const me = userId.toLowerCase();
  return (facts.ownerIds ?? []).some((id) => id.toLowerCase() === me);
}

/** Who may request it, in the words both the refusal and a card without the button use. */
export function whoMayRequestRotation(appName: string, ownerNames: readonly string[] = []): string {
  const named = ownerNames.length ? ` (${ownerNames.join(', ')})` : '';
  return `Only the owners of ${appName}${named} and admins can request a rotation of its secret. Ask one of them.`;
}

export async function mayRequestRotation(ctx: DomainContext, caller: Caller, appObjectId: string): Promise<boolean> {
  if (!ctx.access.sameTenant(caller)) return false;
  if (await ctx.access.isAdmin(caller)) return true;
  const ownerIds = await ctx.tenant.directory.listApplicationOwnerIds(appObjectId);
  return rotationRequestAllowed(caller.userId, { admin: false, ownerIds });
}

/**
 * The same rule for an app named in words ("rotate the secret of X" offered on a card): false when the name does
 * not find exactly one app, since the request would then only ask which.
 */
export async function mayRequestRotationOfNamed(
  ctx: DomainContext,
  caller: Caller,
  appQuery: string,
): Promise<boolean> {
  const app = await findApp(ctx, { appQuery });
  return typeof app !== 'string' && mayRequestRotation(ctx, caller, app.id);
}

export async function draftRotation(
  ctx: DomainContext,
  caller: Caller,
  query: RotationQuery,
): Promise<DraftResult<RotationOperation>> {
  const app = await findApp(ctx, query);
  if (typeof app === 'string') return { subject: query.appQuery ?? query.appObjectId ?? 'app', text: app };
  if (!(await mayRequestRotation(ctx, caller, app.id))) {
    return {
      refused: true,
      subject: app.displayName,
      text: whoMayRequestRotation(app.displayName),
    };
  }
  const impact = await rotationRiskNotes(ctx, app);
  return {
    operation: { kind: 'rotation', appObjectId: app.id, appId: app.appId, appName: app.displayName },
    riskNotes: impact.notes,
  };
}

async function findApp(ctx: DomainContext, query: RotationQuery): Promise<AppRegistration | string> {
  if (query.appObjectId) {
    try {
      return await ctx.tenant.directory.getApplication(query.appObjectId);
    } catch (error) {
      if (isTenantApiError(error) && error.kind === 'notFound')
        return 'I could not find that app registration any more.';
      throw error;
    }
  }
  const q = (query.appQuery ?? '').trim();
  if (!q) return 'Which app registration? For example: "rotate the secret of D365-App-Registration".';
  const apps: AppRegistration[] = [];
  for await (const app of ctx.tenant.directory.listApplications()) apps.push(app);
  const matches = bestMatches(apps, (a) => matchScore(q, a.displayName, a.appId));
  if (!matches.length) return `I found no app registration called "${q}".`;
  if (matches.length > 1)
    return `Several app registrations match "${q}": ${matches.map((a) => a.displayName).join(', ')}. Say which one.`;
  return matches[0];
}
