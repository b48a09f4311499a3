/**
 * What an approver should know before sharing a connection, in plain words: a personal account others' flows would
 * act as, a connection that is not working, "Can edit", a guest or disabled account. A check that cannot be made is
 * said too, rather than silently skipped.
 */
import type { DomainContext } from '../../context';
import type { User } from '../../tenant/model';
import type { ShareOperation } from './definition';

export async function shareRiskNotes(
  ctx: DomainContext,
  operation: Pick<ShareOperation, 'connections' | 'role'>,
  target: User | undefined,
): Promise<string[]> {
  const out: string[] = [];
  for (const c of operation.connections) {
    try {
      const connection = await ctx.tenant.connections.getConnection(c.environmentId, c.connector, c.connectionName);
      if (connection.authType === 'user') {
        const account = connection.accountName ?? c.ownerName;
        out.push(`${c.displayName} signs in as ${account}: flows that use it act with ${account}'s permissions.`);
      }
      if (connection.status !== 'Connected') {
        out.push(`${c.displayName} is currently ${connection.status}: sharing it will not make flows work by itself.`);
      }
    } catch {
      out.push(`Could not read ${c.displayName} to check it.`);
    }
  }
  if (operation.role === 'CanEdit')
    out.push(
      '"Can edit" gives more than "Can use" (not confirmed on Microsoft Learn: whether it also lets them change the connection and share it further).',
    );
  if (target?.userType === 'Guest') out.push(`${target.displayName} is a guest user from outside the organization.`);
  if (target && !target.accountEnabled) out.push(`${target.displayName}'s account is disabled.`);
  return out;
}
