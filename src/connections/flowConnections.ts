/**
 * The connections one flow needs, each read by itself (Power Platform API GET of one connection) instead of the
 * flow's whole environment: a diagnosis costs requests in proportion to the flow, and every status it reports is
 * read now. Bindings through connection references name the connection; its connector is the flow's own.
 */
import { isTenantApiError } from '../tenant/errors';
import type { Connection, Environment } from '../tenant/model';
import type { TenantReader } from './tenantReader';

/**
 * Connection name (lower case) → the connection, or null when the service says it does not exist; a name that is
 * missing from the map could not be read (the reader recorded why).
 */
export async function readConnectionsOf(
  reader: TenantReader,
  environment: Environment,
  wanted: { connector: string; connectionName: string }[],
): Promise<Map<string, Connection | null>> {
  const found = new Map<string, Connection | null>();
  await Promise.all(
    wanted.map(async ({ connector, connectionName }) => {
      const key = connectionName.toLowerCase();
      if (found.has(key)) return;
      let missing = false;
      const connection = await reader.read(
        `connection:${environment.id}:${key}`,
        `connections in ${environment.displayName}`,
        () =>
          reader.tenant.connections.getConnection(environment.id, connector, connectionName).catch((error: unknown) => {
            if (isTenantApiError(error) && error.kind === 'notFound') {
              missing = true;
              return undefined;
            }
            throw error;
          }),
      );
      if (connection) found.set(key, connection);
      else if (missing) found.set(key, null);
    }),
  );
  return found;
}
