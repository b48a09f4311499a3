/**
 * Builds a TenantIndex without a scan: what an instance does when it has none yet (just started, or another
 * instance ran the scan). It is the one tenant-wide listing — connections, flows and connection references of
 * every environment, each environment's rows dropped once indexed — done once here so that no maker's turn has to.
 * Per-user turns answer from the full listing until it is ready (see TenantIndexSource).
 */
import pLimit from 'p-limit';
import type { ConnectionReference, Environment } from '../tenant/model';
import type { TenantPorts } from '../tenant/ports';
import { connectionUsage } from './connectionUsage';
import { connectionKey } from './tenantFacts';
import { indexedConnection, indexedFlow, type TenantIndexData } from './tenantIndex';

/** Environments listed at once; each holds one environment's rows until it is indexed. */
const ENVIRONMENT_CONCURRENCY = 16;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function buildTenantIndex(tenant: TenantPorts, takenAt: Date): Promise<TenantIndexData> {
  const environments = await tenant.connections.listEnvironments();
  const data: TenantIndexData = {
    takenAt: takenAt.toISOString(),
    environments,
    connections: [],
    flows: [],
    partialEnvironmentIds: [],
  };
  const limit = pLimit(ENVIRONMENT_CONCURRENCY);
  await Promise.all(environments.map((environment) => limit(() => indexEnvironment(tenant, environment, data))));
  return data;
}

async function indexEnvironment(tenant: TenantPorts, environment: Environment, data: TenantIndexData) {
  const [connections, flows, references] = await Promise.all([
    collect(tenant.connections.listConnections(environment.id)).catch(() => undefined),
    collect(tenant.flows.listFlows(environment.id)).catch(() => undefined),
    environment.dataverseUrl
      ? collect(tenant.dataverse.listConnectionReferences(environment)).catch(() => undefined)
      : Promise.resolve([] as ConnectionReference[]),
  ]);
  if (!connections || !flows) data.partialEnvironmentIds.push(environment.id);
  const usage = connectionUsage({
    flows: flows ?? [],
    references: (references ?? []).map((r) => ({ ...r, environmentId: environment.id })),
  });
  for (const c of connections ?? []) {
    data.connections.push(indexedConnection(c, usage.get(connectionKey(environment.id, c.name))?.length ?? 0));
  }
  for (const f of flows ?? []) data.flows.push(indexedFlow(f));
}
