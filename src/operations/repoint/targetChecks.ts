/**
 * Whether a connection can be what a connection reference is bound to, said as the reason it cannot: the same
 * rules the service enforces (same environment, same connector, a connection the bot's identity may use: binding
 * is refused otherwise, 0x80040203 / 0x80040220) plus ours (a working connection; in production, not a person's
 * own sign-in, since flows would then act as that person and stop when they leave).
 */
import type { DomainContext } from '../../context';
import { isPersonalConnection, isProductionEnvironment } from '../../connections/tenantFacts';
import type { Connection, Environment } from '../../tenant/model';

export const connectorOf = (connectorId: string): string => (connectorId.split('/').pop() ?? connectorId).toLowerCase();

/** Whether the bot's own identity may use the connection: its owner, or shared with it (or with everyone). */
export async function botMayUse(ctx: DomainContext, connection: Connection): Promise<boolean | undefined> {
  const self = await ctx.tenant.self?.principalId().catch(() => undefined);
  if (!self) return undefined;
  if (connection.createdBy.id.toLowerCase() === self.toLowerCase()) return true;
  const permissions = await ctx.tenant.connections.listPermissions(
    connection.environmentId,
    connection.connector,
    connection.name,
  );
  return permissions.some((p) => p.principal.type === 'Tenant' || p.principal.id.toLowerCase() === self.toLowerCase());
}

export interface TargetCheckOptions {
  /** An undo puts back what was there: a person's connection in production is then a risk note, not a refusal. */
  allowPersonal?: boolean;
}

export async function whyNotTarget(
  ctx: DomainContext,
  environment: Environment,
  reference: { connectorId: string; displayName: string },
  connection: Connection,
  options: TargetCheckOptions = {},
): Promise<string | undefined> {
  const name = connection.displayName;
  if (connection.environmentId !== environment.id) {
    return `${name} is in another environment: a connection reference can only use a connection of its own environment (${environment.displayName}).`;
  }
  if (connection.connector.toLowerCase() !== connectorOf(reference.connectorId)) {
    return `${name} is a connection of another connector (${connection.connector}) than ${reference.displayName} (${connectorOf(reference.connectorId)}).`;
  }
  if (connection.status !== 'Connected') {
    return `${name} is in ${connection.status}${connection.error ? ` (${connection.error.code})` : ''}: flows could not run on it. Fix it or choose another connection.`;
  }
  if (!options.allowPersonal && isProductionEnvironment(environment) && isPersonalConnection(connection)) {
    return `${name} signs in as a person (${connection.accountName ?? connection.createdBy.displayName}): in production, use a service principal or technical user connection, so flows do not stop when that person leaves.`;
  }
  const usable = await botMayUse(ctx, connection);
  if (usable === false) {
    return `The bot cannot use ${name}: it turns the flows on after binding, and whoever turns a flow on must own or have permission to use its connections. Its owner (${connection.createdBy.displayName}) must share it with the bot's service principal (Can use) first; then ask again.`;
  }
  return undefined;
}
