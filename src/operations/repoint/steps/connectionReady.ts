/**
 * Pre-flight of the writes that can leave a flow off: before a reference is bound to a connection, and before a
 * flow that is on is turned off to take its references' connections, each of those connections is read and must
 * be Connected. A connection in error (an expired secret, a revoked sign-in) cannot start a flow, and a flow
 * turned off onto it stays off; refused here, the flow keeps running on the connections it started with.
 * The service can still refuse a start for another reason (or the connection break in between): the callers
 * handle that as before (roll back, else say the flow is off and what to do).
 */
import type { DomainContext } from '../../../context';
import { describeError, isTenantApiError, TenantApiError } from '../../../tenant/errors';

/** The code of a pre-flight refusal; its message is plain words for the card. */
export const CONNECTION_NOT_READY = 'ConnectionNotReady';

export const connectorName = (connectorId: string): string => connectorId.split('/').pop() ?? connectorId;

/** Why the connection could not start a flow now, in plain words; undefined when it is Connected (or not found). */
export async function whyNotReady(
  ctx: DomainContext,
  environmentId: string,
  connector: string,
  connectionName: string,
): Promise<string | undefined> {
  const connection = await ctx.tenant.connections
    .getConnection(environmentId, connectorName(connector), connectionName)
    .catch((error: unknown) => {
      // Not a connection of that connector in that environment: the write itself is refused, in the service's words.
      if (isTenantApiError(error) && error.kind === 'notFound') return undefined;
      throw error;
    });
  if (!connection || connection.status === 'Connected') return undefined;
  const detail = connection.error?.code ? ` (${connection.error.code})` : '';
  return `${connection.displayName} is in ${connection.status}${detail}: a flow cannot be turned on with it until it is fixed`;
}

/** Throws a refusal (a permanent failure: permanentFailure.ts) when the connection is not Connected. */
export async function requireReady(
  ctx: DomainContext,
  environmentId: string,
  connector: string,
  connectionName: string,
): Promise<void> {
  const why = await whyNotReady(ctx, environmentId, connector, connectionName);
  if (why) throw new TenantApiError({ message: why, code: CONNECTION_NOT_READY, kind: 'badRequest', api: 'powerApps' });
}

/** A step's refusal as the card says it: the pre-flight's own words, else the service's error in short. */
export function refusalText(error: unknown): string {
  if (isTenantApiError(error) && error.code === CONNECTION_NOT_READY) return error.message;
  return describeError(error).short;
}
