/**
 * "What depends on X" read live, when there is no fresh tenant index (or [Refresh] was pressed): the connections
 * of every environment are listed to find those that run as X (the admin APIs cannot filter by creator or by
 * app: Microsoft's own admin cmdlets filter on the client too), then flows, connection references and solutions
 * and canvas apps are read only in the environments where X has connections. What could not be read is a gap on
 * the reader.
 */
import type { Connection, Environment } from '../../tenant/model';
import { indexedCanvasApp, indexedFlow, indexedReference, type IndexedSolution } from '../tenantIndex';
import type { TenantReader } from '../tenantReader';
import type { DependencyRows } from './dependencyGraph';

export interface LiveDependencies {
  connections: Connection[];
  rows: DependencyRows;
}

export async function liveDependencies(
  reader: TenantReader,
  runsAsX: (connection: Connection) => boolean,
): Promise<LiveDependencies> {
  const environments = (await reader.environments()) ?? [];
  const rows: DependencyRows = {
    environments,
    flows: [],
    references: [],
    solutions: [],
    partialEnvironmentIds: [],
    apps: [],
    appsUnreadEnvironmentIds: [],
  };
  const connections: Connection[] = [];
  await Promise.all(
    environments.map(async (environment) => {
      const listed = await reader.connections(environment);
      if (!listed) {
        rows.partialEnvironmentIds.push(environment.id);
        return;
      }
      const mine = listed.filter(runsAsX);
      if (!mine.length) return;
      connections.push(...mine);
      if (!(await readDependents(reader, environment, rows))) rows.partialEnvironmentIds.push(environment.id);
    }),
  );
  return { connections, rows };
}

/** Flows, references and solutions of one environment; false when some could not be read. */
async function readDependents(reader: TenantReader, environment: Environment, rows: DependencyRows): Promise<boolean> {
  const [flows, references, solutions, apps] = await Promise.all([
    reader.flows(environment),
    reader.references(environment),
    reader.solutions(environment),
    reader.canvasApps(environment),
  ]);
  // Unread apps leave only the apps unknown (the card says so), not the flows and references.
  if (apps) rows.apps?.push(...apps.map(indexedCanvasApp));
  else rows.appsUnreadEnvironmentIds?.push(environment.id);
  rows.flows.push(...(flows ?? []).map(indexedFlow));
  rows.references.push(...(references ?? []).map((r) => indexedReference(environment.id, r)));
  const withComponents = await Promise.all(
    (solutions ?? []).map(async (solution): Promise<IndexedSolution | undefined> => {
      const components = await reader.solutionComponents(environment, solution);
      if (!components) return undefined;
      return {
        id: solution.id,
        environmentId: environment.id,
        friendlyName: solution.friendlyName,
        componentObjectIds: components.map((c) => c.objectId),
      };
    }),
  );
  for (const solution of withComponents) if (solution) rows.solutions.push(solution);
  return !!flows && !!references && !!solutions && withComponents.every(Boolean);
}
