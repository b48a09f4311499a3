/**
 * [Undo the re-point] on a finished re-point's card, for 7 days: a new request of the same kind whose targets are
 * the bindings the job recorded before it changed them, approved like any re-point. A previous connection is
 * checked like any target, except that going back to a person's connection in production is allowed (it is what
 * was there) and said in the risk notes; one the bot can no longer use is refused with the reason.
 */
import type { Caller } from '../../access/caller';
import type { DomainContext } from '../../context';
import type { DraftResult } from '../operationKind';
import type { PlannedFlow, PlannedReference, RefusedReference, RepointOperation } from './repointOperation';
import { loadSaga } from './repointSaga';
import { repointRiskNotes } from './riskNotes';
import { environmentOf } from './steps/environmentOf';
import { whyNotTarget } from './targetChecks';

export const UNDO_DAYS = 7;
const DAY_MS = 86_400_000;

/** Until when a finished re-point may be undone (ISO), or undefined when it cannot be (not finished, nothing bound). */
export function undoableUntil(saga: { finishedAt?: string; references: { outcome: string }[] }): string | undefined {
  if (!saga.finishedAt || !saga.references.some((r) => r.outcome === 'bound')) return undefined;
  return new Date(new Date(saga.finishedAt).getTime() + UNDO_DAYS * DAY_MS).toISOString();
}

export async function draftUndo(
  ctx: DomainContext,
  caller: Caller,
  approvalId: string,
): Promise<DraftResult<RepointOperation>> {
  const saga = approvalId ? (await loadSaga(ctx.store.records, approvalId))?.value : undefined;
  if (!saga) return { subject: 'repoint', text: 'I found no re-point to undo for this button.' };
  const original = saga.operation;
  const subject = original.solutionName;
  const until = undoableUntil(saga);
  if (!until) return { subject, text: `The re-point of ${subject} changed nothing that could be undone.` };
  if (ctx.clock.now().toISOString() > until) {
    return {
      subject,
      text: `The re-point of ${subject} can no longer be undone here: undo is offered for ${UNDO_DAYS} days. Ask to re-point its references again instead.`,
    };
  }
  if (!(await ctx.access.isAdmin(caller)) && !original.solutionOwnerIds.includes(caller.userId)) {
    return {
      refused: true,
      subject,
      text: `Only the owners of ${subject} and admins can undo its re-point. Ask one of them.`,
    };
  }
  const environment = await environmentOf(ctx, saga.environmentId);
  const references: PlannedReference[] = [];
  const refused: RefusedReference[] = [];
  for (const r of saga.references) {
    if (r.outcome !== 'bound') continue;
    const planned = original.references.find((p) => p.referenceId === r.referenceId);
    if (!planned) continue;
    if (!r.previous) {
      refused.push({
        displayName: r.displayName,
        reason: 'it was bound to no connection before; it is left as it is.',
      });
      continue;
    }
    let why: string | undefined;
    try {
      const connection = await ctx.tenant.connections.getConnection(
        environment.id,
        planned.connectorId.split('/').pop() ?? '',
        r.previous,
      );
      why = await whyNotTarget(ctx, environment, planned, connection, { allowPersonal: true });
    } catch {
      why = `its previous connection ${r.previousName ?? r.previous} no longer exists.`;
    }
    if (why) {
      refused.push({ displayName: r.displayName, target: r.previousName, reason: why });
      continue;
    }
    references.push({
      ...planned,
      from: r.to ? { name: r.to, displayName: r.toName } : null,
      to: { name: r.previous, displayName: r.previousName ?? r.previous },
    });
  }
  if (!references.length) {
    const why = refused.map((r) => `${r.displayName}: ${r.reason}`).join(' ');
    return { subject, text: `Nothing of the re-point of ${subject} can be undone. ${why}`.trim() };
  }
  const moved = new Set(references.map((r) => r.logicalName));
  const flows: PlannedFlow[] = [];
  for (const f of original.flows) {
    const names = f.referenceLogicalNames.filter((n) => moved.has(n));
    if (!names.length) continue;
    const now = await ctx.tenant.flows.getFlow(environment.id, f.flowId).catch(() => undefined);
    flows.push({ ...f, referenceLogicalNames: names, onWhenDrafted: now?.state === 'Started' });
  }
  const operation: RepointOperation = { ...original, references, refused, flows, undoOf: approvalId };
  return { operation, riskNotes: repointRiskNotes(operation) };
}
