/**
 * Reads the whole tenant into a TenantSnapshot for the governance rules (health report): every environment in
 * parallel, each resource once, through the turn's TenantReader. What could not be read becomes a gap on the
 * reader and is left out of the snapshot (and environments whose connections are unknown are marked so rules do
 * not mistake "unread" for "missing").
 */
import type { Environment } from '../tenant/model';
import type { TenantReader } from './tenantReader';
import type {
  SnapshotApp,
  SnapshotApplicationUser,
  SnapshotReference,
  SnapshotSolution,
  SnapshotSolutionFlow,
  TenantSnapshot,
} from './tenantSnapshot';
import { emptySnapshot } from './tenantSnapshot';

async function loadEnvironment(reader: TenantReader, environment: Environment, snapshot: TenantSnapshot) {
  const [connections, flows, references, solutions, solutionFlows, appUsers] = await Promise.all([
    reader.connections(environment),
    reader.flows(environment),
    reader.references(environment),
    reader.solutions(environment),
    reader.solutionFlows(environment),
    reader.applicationUsers(environment),
  ]);
  if (connections) snapshot.connections.push(...connections);
  else snapshot.partialEnvironmentIds?.push(environment.id);
  if (!flows || !references) (snapshot.usageUnknownEnvironmentIds ??= []).push(environment.id);
  snapshot.flows.push(...(flows ?? []));
  snapshot.references.push(
    ...(references ?? []).map((r): SnapshotReference => ({ ...r, environmentId: environment.id })),
  );
  snapshot.solutionFlows.push(
    ...(solutionFlows ?? []).map((f): SnapshotSolutionFlow => ({ ...f, environmentId: environment.id })),
  );
  snapshot.applicationUsers.push(
    ...(appUsers ?? []).map((u): SnapshotApplicationUser => ({ ...u, environmentId: environment.id })),
  );
  const withComponents = await Promise.all(
    (solutions ?? []).map(async (solution): Promise<SnapshotSolution> => {
      const components = await reader.solutionComponents(environment, solution);
      return {
        ...solution,
        environmentId: environment.id,
        componentObjectIds: (components ?? []).map((c) => c.objectId),
      };
    }),
  );
  snapshot.solutions.push(...withComponents);
}

export async function loadSnapshot(reader: TenantReader, now: Date): Promise<TenantSnapshot> {
  const snapshot: TenantSnapshot = { ...emptySnapshot(now), partialEnvironmentIds: [] };
  const [environments, apps, users] = await Promise.all([reader.environments(), reader.applications(), reader.users()]);
  snapshot.environments = environments ?? [];
  snapshot.users = users ?? [];
  await Promise.all([
    ...snapshot.environments.map((environment) => loadEnvironment(reader, environment, snapshot)),
    ...(apps ?? []).map(async (app) => {
      const ownerIds = await reader.applicationOwnerIds(app);
      snapshot.apps.push({ ...app, ownerIds: ownerIds ?? [] } satisfies SnapshotApp);
    }),
  ]);
  return snapshot;
}
