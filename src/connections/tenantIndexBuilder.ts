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
import {
  indexedCanvasApp,
  indexedConnection,
  indexedFlow,
  indexedPerson,
  indexedReference,
  type IndexedSolution,
  type TenantIndexData,
} from './tenantIndex';

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
    references: [],
    solutions: [],
    canvasApps: [],
    canvasAppsUnreadEnvironmentIds: [],
  };
  const limit = pLimit(ENVIRONMENT_CONCURRENCY);
  const [people] = await Promise.all([
    // People and their account status ("what depends on <person>" answers from the index alone).
    collect(tenant.directory.listUsers()).catch(() => undefined),
    ...environments.map((environment) => limit(() => indexEnvironment(tenant, environment, data))),
  ]);
  if (people) data.people = people.map(indexedPerson);
  return data;
}

async function indexEnvironment(tenant: TenantPorts, environment: Environment, data: TenantIndexData) {
  const [connections, flows, references, solutions, apps] = await Promise.all([
    collect(tenant.connections.listConnections(environment.id)).catch(() => undefined),
    collect(tenant.flows.listFlows(environment.id)).catch(() => undefined),
    environment.dataverseUrl
      ? collect(tenant.dataverse.listConnectionReferences(environment)).catch(() => undefined)
      : Promise.resolve([] as ConnectionReference[]),
    // Solutions and their components say which solution a reference or a flow belongs to ("what depends on X").
    environment.dataverseUrl ? indexSolutions(tenant, environment) : Promise.resolve([]),
    // Canvas apps say which apps use a connector or a reference ("what depends on X"); no rule reads them, so an
    // unread environment only leaves its apps unknown.
    collect(tenant.apps.listCanvasApps(environment.id)).catch(() => undefined),
  ]);
  if (apps) data.canvasApps?.push(...apps.map(indexedCanvasApp));
  else data.canvasAppsUnreadEnvironmentIds?.push(environment.id);
  if (!connections || !flows || !references || !solutions) data.partialEnvironmentIds.push(environment.id);
  for (const r of references ?? []) data.references?.push(indexedReference(environment.id, r));
  data.solutions?.push(...(solutions ?? []));
  const usage = connectionUsage({
    flows: flows ?? [],
    references: (references ?? []).map((r) => ({ ...r, environmentId: environment.id })),
  });
  for (const c of connections ?? []) {
    data.connections.push(indexedConnection(c, usage.get(connectionKey(environment.id, c.name))?.length ?? 0));
  }
  for (const f of flows ?? []) data.flows.push(indexedFlow(f));
}

async function indexSolutions(tenant: TenantPorts, environment: Environment): Promise<IndexedSolution[] | undefined> {
  try {
    const solutions = await collect(tenant.dataverse.listSolutions(environment));
    return await Promise.all(
      solutions.map(async (solution) => ({
        id: solution.id,
        environmentId: environment.id,
        friendlyName: solution.friendlyName,
        componentObjectIds: (await collect(tenant.dataverse.listSolutionComponents(environment, solution.id))).map(
          (c) => c.objectId,
        ),
      })),
    );
  } catch {
    return undefined;
  }
}
