/**
 * Lookups the rule functions share over one snapshot (by id, by app id, by environment, who made which flow), built once per snapshot
 * and reused by every rule that runs over it, because building the maps and the flow usage index is costlier than
 * the rules themselves. Pure: no I/O.
 */
import type { Connection, Environment, User } from '../../tenant/model';
import { connectionUsage, referenceUsage, type FlowUse } from '../connectionUsage';
import { connectionKey } from '../tenantFacts';
import type { SnapshotApp, SnapshotSolution, TenantSnapshot } from '../tenantSnapshot';

export interface SnapshotLookups {
  environmentName(environmentId: string): string;
  environmentDisplay(environmentId: string): { displayName: string } | undefined;
  user(id: string | undefined): User | undefined;
  userName(id: string | undefined, fallback?: string): string | undefined;
  appByAppId(appId: string | undefined): SnapshotApp | undefined;
  ownersOf(app: SnapshotApp): string | undefined;
  flowsUsing(connection: Pick<Connection, 'environmentId' | 'name'>): FlowUse[];
  flowsUsingReference(environmentId: string, logicalName: string): FlowUse[];
  /** Entra ids of who made these flows (a flow's creator; for a flow only Dataverse knows, its owner). */
  makersOf(flows: readonly FlowUse[]): string[];
  connectionsOfApp(appId: string): Connection[];
  connectionExists(environmentId: string, connectionName: string): boolean;
  /** Whether a connection reference of that environment is bound to the connection of that name (any case). */
  connectionReferenced(environmentId: string, connectionName: string): boolean;
  /** False when the environment's connections could not be read, so absence proves nothing. */
  connectionsKnown(environmentId: string): boolean;
  userSolutions(environmentId: string): SnapshotSolution[];
}

/** Solutions every Dataverse environment has, which contain everything and say nothing about ownership. */
export function isUserSolution(solution: { uniqueName: string; friendlyName: string }): boolean {
  return (
    !/^(default|active|basic|system)$/i.test(solution.uniqueName) && !/default solution/i.test(solution.friendlyName)
  );
}

interface CachedLookups {
  /** The snapshot's lists when the lookups were built: a list replaced or grown since means build again. */
  inputs: readonly (readonly unknown[] | undefined)[];
  lengths: number[];
  lookups: SnapshotLookups;
}

const cache = new WeakMap<TenantSnapshot, CachedLookups>();

const inputsOf = (s: TenantSnapshot): readonly (readonly unknown[] | undefined)[] => [
  s.environments,
  s.connections,
  s.flows,
  s.solutionFlows,
  s.references,
  s.solutions,
  s.apps,
  s.users,
  s.partialEnvironmentIds,
];

export function lookups(snapshot: TenantSnapshot): SnapshotLookups {
  const inputs = inputsOf(snapshot);
  const hit = cache.get(snapshot);
  if (hit && hit.inputs.every((list, i) => list === inputs[i] && (list?.length ?? -1) === hit.lengths[i])) {
    return hit.lookups;
  }
  const built = buildLookups(snapshot);
  cache.set(snapshot, { inputs, lengths: inputs.map((list) => list?.length ?? -1), lookups: built });
  return built;
}

function buildLookups(snapshot: TenantSnapshot): SnapshotLookups {
  const users = new Map(snapshot.users.map((u) => [u.id.toLowerCase(), u]));
  const apps = new Map(snapshot.apps.map((a) => [a.appId.toLowerCase(), a]));
  const usage = connectionUsage(snapshot);
  // Built on first use: only the reference rules ask, and the scanner's snapshots hold hundreds of connections.
  let connectionKeys: Set<string> | undefined;
  // Built on first use: asked per connection of a disabled owner, thousands in a scan (a search of the references
  // for each was quadratic in the environment).
  let referencedNames: Map<string, Set<string>> | undefined;
  const unknown = new Set(snapshot.partialEnvironmentIds ?? []);
  const user = (id: string | undefined) => (id ? users.get(id.toLowerCase()) : undefined);
  const environments = environmentIndex(snapshot.environments);
  // Built on first use: the credential rules ask once per app, and a scan's snapshots hold 200 apps and their
  // service-principal connections (a filter per app was quadratic in the batch).
  let byApp: Map<string, Connection[]> | undefined;
  // Built on first use: only the rules naming makers ask.
  let byReference: Map<string, FlowUse[]> | undefined;
  let makers: { flowCreators: Map<string, string>; workflowOwners: Map<string, string> } | undefined;
  return {
    environmentName: (id) => environments.get(id)?.displayName ?? id,
    environmentDisplay: (id) => environments.get(id),
    user,
    userName: (id, fallback) => user(id)?.displayName ?? fallback,
    appByAppId: (appId) => (appId ? apps.get(appId.toLowerCase()) : undefined),
    ownersOf: (app) => {
      const names = app.ownerIds.map((id) => user(id)?.displayName ?? id);
      return names.length ? names.join(', ') : undefined;
    },
    flowsUsing: (c) => usage.get(connectionKey(c.environmentId, c.name)) ?? [],
    flowsUsingReference: (environmentId, logicalName) => {
      byReference ??= referenceUsage(snapshot);
      return byReference.get(`${environmentId}/${logicalName.toLowerCase()}`) ?? [];
    },
    makersOf: (flows) => {
      if (!makers) {
        makers = { flowCreators: new Map(), workflowOwners: new Map() };
        for (const flow of snapshot.flows) makers.flowCreators.set(flow.id, flow.creatorId);
        for (const flow of snapshot.solutionFlows) {
          if (flow.ownerId) makers.workflowOwners.set(flow.workflowId, flow.ownerId);
        }
      }
      const { flowCreators, workflowOwners } = makers;
      return flows.flatMap((u) => {
        const id = u.flowId ? flowCreators.get(u.flowId) : workflowOwners.get(String(u.workflowId));
        return id ? [id] : [];
      });
    },
    connectionsOfApp: (appId) => {
      if (!byApp) {
        byApp = new Map();
        for (const c of snapshot.connections) {
          if (c.servicePrincipalAppId === undefined) continue;
          const key = c.servicePrincipalAppId.toLowerCase();
          const list = byApp.get(key);
          if (list) list.push(c);
          else byApp.set(key, [c]);
        }
      }
      return [...(byApp.get(appId.toLowerCase()) ?? [])];
    },
    connectionExists: (environmentId, name) => {
      connectionKeys ??= new Set(snapshot.connections.map((c) => connectionKey(c.environmentId, c.name)));
      return connectionKeys.has(connectionKey(environmentId, name));
    },
    connectionReferenced: (environmentId, name) => {
      if (!referencedNames) {
        referencedNames = new Map();
        for (const r of snapshot.references) {
          if (typeof r.connectionName !== 'string') continue;
          const names = referencedNames.get(r.environmentId) ?? new Set<string>();
          names.add(r.connectionName.toLowerCase());
          referencedNames.set(r.environmentId, names);
        }
      }
      return referencedNames.get(environmentId)?.has(name.toLowerCase()) ?? false;
    },
    connectionsKnown: (environmentId) => !unknown.has(environmentId),
    userSolutions: (environmentId) =>
      snapshot.solutions.filter((s) => s.environmentId === environmentId && isUserSolution(s)),
  };
}

/**
 * Environments by id (the first of an id wins, as a search of the list would find it). Rules ask per connection,
 * hundreds of thousands of times a scan, and the scanner's snapshots all share one list of hundreds of environments,
 * so the index is kept per list.
 */
const environmentIndexes = new WeakMap<readonly Environment[], { length: number; index: Map<string, Environment> }>();

function environmentIndex(environments: readonly Environment[]): Map<string, Environment> {
  const hit = environmentIndexes.get(environments);
  // As for the lookups themselves: a list grown or shrunk since means index again.
  if (hit && hit.length === environments.length) return hit.index;
  const index = new Map<string, Environment>();
  for (const e of environments) if (!index.has(e.id)) index.set(e.id, e);
  environmentIndexes.set(environments, { length: environments.length, index });
  return index;
}

/** "Vendor onboarding, Nightly export" — at most three names, then a count. */
export function flowNames(flows: { displayName: string }[]): string {
  const names = [...new Set(flows.map((f) => f.displayName))];
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
