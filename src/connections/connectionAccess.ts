/**
 * Whether a person may use a connection in a flow: they own it, or it is shared with them, with a group they are
 * in, or with the whole tenant. Read from the connection's permissions, never from anything the client sent.
 */
import type { Connection } from '../tenant/model';
import type { TenantReader } from './tenantReader';

/** true / false, or undefined when the permissions could not be read (the reader records the gap). */
export async function canUseConnection(
  reader: TenantReader,
  connection: Connection,
  environmentName: string,
  userId: string,
): Promise<boolean | undefined> {
  const me = userId.toLowerCase();
  if (connection.createdBy.id.toLowerCase() === me) return true;
  const permissions = await reader.permissions(connection, environmentName);
  if (!permissions) return undefined;
  for (const permission of permissions) {
    const principal = permission.principal;
    if (principal.type === 'Tenant') return true;
    if (principal.id.toLowerCase() === me) return true;
  }
  for (const permission of permissions.filter((p) => p.principal.type === 'Group')) {
    const members = await reader.groupMemberIds(permission.principal.id);
    if (members?.some((id) => id.toLowerCase() === me)) return true;
  }
  return false;
}
