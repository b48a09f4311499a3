/**
 * Sharing a connection ("Can use" = CanView, or "Can edit") and revoking a share, each verified by reading the
 * permissions back and audited. Both are idempotent: the current permissions are read first, so sharing twice,
 * or revoking a share that is already gone, changes nothing — and a principal who already holds a stronger role
 * (an owner, or an editor asked for "Can use") is never downgraded by a share. An OAuth connection is shared only
 * with a service principal (sharingRule.ts): a share with a person or group is refused here, audited, before any call.
 */
import { mayShareWith, OAUTH_SHARE_REFUSED, oauthShareRefusal } from '../connections/sharingRule';
import type { DomainContext } from '../context';
import type { AuditEntry } from '../store/ports';
import { BotError, describeError, isTenantApiError } from '../tenant/errors';
import type { ConnectionPermission, ConnectionRole } from '../tenant/model';

export interface ShareTarget {
  environmentId: string;
  connector: string;
  connectionName: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  /** Who asked (Entra object id), for the audit; "system" when absent. */
  actor?: string;
  /** Ties the audit entries to the approval or job that ran this. */
  correlationId?: string;
  /** The connection's display name when the caller knows it (from the admin connection list); else it is looked up. */
  displayName?: string;
}

export interface ShareInput extends ShareTarget {
  role: 'CanView' | 'CanEdit';
}

export class ShareRefusedError extends BotError {
  constructor(message: string) {
    super('share.refused', message);
    this.name = 'ShareRefusedError';
  }
}

const RANK: Record<ConnectionRole, number> = { CanView: 1, CanViewWithShare: 2, CanEdit: 3, Owner: 4 };

function roleOf(permissions: ConnectionPermission[], principalId: string): ConnectionRole | undefined {
  const held = permissions.filter((p) => p.principal.id.toLowerCase() === principalId.toLowerCase());
  return held.sort((a, b) => RANK[b.roleName] - RANK[a.roleName])[0]?.roleName;
}

async function auditShare(
  ctx: DomainContext,
  target: ShareTarget,
  subject: string,
  action: string,
  outcome: AuditEntry['outcome'],
  details: Record<string, string | boolean>,
): Promise<void> {
  await ctx.store.audit.append({
    actor: target.actor ?? 'system',
    action,
    subject,
    outcome,
    correlationId: target.correlationId,
    details: {
      environmentId: target.environmentId,
      connector: target.connector,
      connectionName: target.connectionName,
      principalId: target.principalId,
      principalType: target.principalType,
      ...details,
    },
  });
}

function getConnection(ctx: DomainContext, target: ShareTarget) {
  return ctx.tenant.connections.getConnection(target.environmentId, target.connector, target.connectionName);
}

/**
 * The connection's name for the audit and messages: the caller's, else the admin connection list's. Only a label:
 * when it cannot be read the connection's id stands in, and the share or revoke goes on.
 */
async function connectionSubject(ctx: DomainContext, target: ShareTarget): Promise<string> {
  if (target.displayName) return target.displayName;
  try {
    const connection = await getConnection(ctx, target);
    return connection.displayName || target.connectionName;
  } catch {
    return target.connectionName;
  }
}

function listPermissions(ctx: DomainContext, target: ShareTarget): Promise<ConnectionPermission[]> {
  return ctx.tenant.connections.listPermissions(target.environmentId, target.connector, target.connectionName);
}

/** Grants `role` on the connection; `verified` says the permission was read back afterwards. */
export async function shareConnection(ctx: DomainContext, input: ShareInput): Promise<{ verified: boolean }> {
  // The connection is read for its name and its kind. When it cannot be read the share goes on: the name is only a
  // label, and the service itself refuses an OAuth connection shared with a person (translated below).
  const connection = await getConnection(ctx, input).catch(() => undefined);
  const subject = input.displayName || connection?.displayName || input.connectionName;
  const refuse = async (): Promise<never> => {
    await auditShare(ctx, input, subject, 'connection.share', 'refused', {
      role: input.role,
      reason: 'oauthWithPerson',
    });
    const person =
      input.principalType === 'User'
        ? ((await ctx.tenant.directory.getUser(input.principalId))?.displayName ?? 'a person')
        : 'a group';
    throw new ShareRefusedError(oauthShareRefusal(subject, person));
  };
  // OAuth connections can be shared only with a service principal: refuse before the service does.
  if (connection && !mayShareWith(connection, input.principalType)) await refuse();
  const before = roleOf(await listPermissions(ctx, input), input.principalId);
  if (before && RANK[before] >= RANK[input.role]) {
    await auditShare(ctx, input, subject, 'connection.share', 'success', { role: input.role, alreadyHeld: before });
    return { verified: true };
  }
  try {
    await ctx.tenant.connections.modifyPermissions(input.environmentId, input.connector, input.connectionName, {
      put: [{ principal: { id: input.principalId, type: input.principalType }, roleName: input.role }],
    });
  } catch (error) {
    if (isTenantApiError(error) && error.code === OAUTH_SHARE_REFUSED) await refuse();
    await auditShare(ctx, input, subject, 'connection.share', 'failure', { role: input.role, error: describe(error) });
    throw error;
  }
  const after = roleOf(await listPermissions(ctx, input), input.principalId);
  const verified = after !== undefined && RANK[after] >= RANK[input.role];
  await auditShare(ctx, input, subject, 'connection.share', verified ? 'success' : 'failure', {
    role: input.role,
    verified,
  });
  return { verified };
}

/** Removes the principal's share; `verified` says the permission is gone when read back. Owners cannot be revoked. */
export async function revokeShare(ctx: DomainContext, input: ShareTarget): Promise<{ verified: boolean }> {
  const subject = await connectionSubject(ctx, input);
  const held = await listPermissions(ctx, input);
  const before = roleOf(held, input.principalId);
  if (before === undefined) {
    await auditShare(ctx, input, subject, 'connection.revoke', 'success', { alreadyAbsent: true });
    return { verified: true };
  }
  if (before === 'Owner') {
    await auditShare(ctx, input, subject, 'connection.revoke', 'refused', { reason: 'owner' });
    throw new ShareRefusedError(
      `The owner of "${subject}" cannot be removed from it; to end its use, replace it where it is used, or delete it (its owner or an admin).`,
    );
  }
  try {
    // Each permission goes by the id the service gave it (for a service principal it is not the principal's id).
    const mine = held.filter((p) => p.principal.id.toLowerCase() === input.principalId.toLowerCase());
    const ids = mine.map((p) => p.id).filter((id): id is string => !!id);
    await ctx.tenant.connections.modifyPermissions(
      input.environmentId,
      input.connector,
      input.connectionName,
      ids.length === mine.length ? { deleteIds: ids } : { delete: [input.principalId] },
    );
  } catch (error) {
    await auditShare(ctx, input, subject, 'connection.revoke', 'failure', { error: describe(error) });
    throw error;
  }
  const verified = roleOf(await listPermissions(ctx, input), input.principalId) === undefined;
  await auditShare(ctx, input, subject, 'connection.revoke', verified ? 'success' : 'failure', { verified });
  return { verified };
}

function describe(error: unknown): string {
  return describeError(error).short;
}
