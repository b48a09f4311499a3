/**
 * The tenant's names for understanding, turned into a NameIndex and kept, so no message waits for the tenant and no
 * message rebuilds the index. Where the names come from:
 * - with a tenant snapshot (the TenantIndex the scan or a background build keeps), its environments, flows and
 *   connections, plus the people, app registrations and solutions read once per snapshot: the names are as fresh
 *   as the index every per-user answer already stands on, and the bot does not list the whole tenant a second time
 *   (on a 100,000-connection tenant that second listing, every 5 minutes, was most of the backend requests and bot
 *   CPU charged to makers' turns);
 * - without one (a one-shot process, or before the first index), the tenant read through its ports, kept for a few
 *   minutes and refreshed in the background after that.
 * What each caller may see is decided per message on the shared index: makers their own flows and connections,
 * admins everything; people, environments, solutions and app registrations are names anyone in the tenant can look
 * up.
 */
import type { Clock } from '../clock';
import type { Connection, Environment, Flow } from '../tenant/model';
import type { TenantPorts } from '../tenant/ports';
import { setImmediate as yieldToTurns } from 'node:timers/promises';
import { ConnectionCatalog, type CatalogSources, type ConnectionSource } from './connectionCatalog';
import { NameIndex, type NameAlias, type TenantName } from './nameIndex';

const DEFAULT_TTL_MS = 5 * 60_000;
/** After a failed read, try again this soon rather than a whole TTL later. */
const RETRY_AFTER_FAILURE_MS = 30_000;
/** The first message waits this long for the names at most; it is understood by its wording meanwhile. */
const DEFAULT_FIRST_WAIT_MS = 3_000;
/** Things turned into names (or snapshot rows sorted) between two pauses of a refresh: a few milliseconds each. */
const SLICE = 1_000;

/** What people call a connector, besides its label. Everyday words need "connection" next to them. */
const CONNECTOR_WORDS: Record<string, { label: string; aliases: NameAlias[] }> = {
  shared_sql: { label: 'SQL Server', aliases: [{ text: 'sql' }, { text: 'sql server' }, { text: 'mssql' }] },
  shared_sharepointonline: { label: 'SharePoint', aliases: [{ text: 'sharepoint' }, { text: 'spo' }] },
  shared_office365: {
    label: 'Office 365 Outlook',
    aliases: [{ text: 'outlook' }, { text: 'office 365' }, { text: 'o365' }, { text: 'mail', when: 'context' }],
  },
  shared_commondataserviceforapps: {
    label: 'Microsoft Dataverse',
    aliases: [{ text: 'dataverse' }, { text: 'cds' }, { text: 'common data service' }],
  },
  shared_wordonlinebusiness: { label: 'Word Online (Business)', aliases: [{ text: 'word', when: 'context' }] },
  shared_teams: { label: 'Microsoft Teams', aliases: [{ text: 'teams', when: 'context' }] },
  shared_approvals: { label: 'Approvals', aliases: [{ text: 'approvals', when: 'context' }] },
  shared_onedriveforbusiness: { label: 'OneDrive for Business', aliases: [{ text: 'onedrive' }] },
  shared_office365users: { label: 'Office 365 Users', aliases: [] },
};

const ENVIRONMENT_WORDS: Record<string, string[]> = {
  prod: ['production', 'prd'],
  dev: ['development'],
  test: ['testing', 'uat'],
  default: [],
};

/** A tenant-wide listing already taken (the TenantIndex's data): names are built from it instead of listing again. */
export interface NamesSnapshot {
  /** When the listing was taken: the names are rebuilt once a newer one is there. */
  takenAt: Date;
  environments: Environment[];
  flows: Pick<Flow, 'id' | 'environmentId' | 'displayName' | 'creatorId' | 'state'>[];
  connections: (ConnectionSource & { environmentId: string })[];
}

export interface TenantNamesOptions {
  tenant: TenantPorts;
  clock: Clock;
  /** The current tenant snapshot, if there is one (see the header). */
  snapshot?: () => NamesSnapshot | undefined;
  ttlMs?: number;
  /** How long the very first message waits for the names (a slow or throttled tenant must not hold it). */
  firstWaitMs?: number;
  /** Called when reading the tenant fails (the index stays as it was, or empty). */
  onError?: (error: unknown) => void;
  /**
   * Between two slices of a rebuild of the names (the snapshot's rows sorted by environment, the names, the
   * connection catalog, the NameIndex): the turns waiting meanwhile run (default: the next turn of the event loop,
   * setImmediate). The index in use answers until the new one is complete.
   */
  pause?: () => Promise<unknown>;
}

export class TenantNames {
  private index: NameIndex = new NameIndex([]);
  private loadedAt = -Infinity;
  /** takenAt of the snapshot the names were built from (undefined: from a listing of their own). */
  private builtFrom: number | undefined;
  private failedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(private readonly options: TenantNamesOptions) {}

  /**
   * The current index: only the very first load is waited for, and not longer than firstWaitMs; later refreshes
   * happen behind the answers.
   */
  async current(): Promise<NameIndex> {
    const age = this.options.clock.now().getTime() - this.loadedAt;
    if (this.loadedAt === -Infinity) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.firstWaitMs ?? DEFAULT_FIRST_WAIT_MS);
      });
      await Promise.race([this.refresh(), waited]);
      clearTimeout(timer);
      return this.index;
    }
    const snapshot = this.options.snapshot?.();
    if (snapshot) {
      const newer = snapshot.takenAt.getTime() !== this.builtFrom;
      const retryDue = this.options.clock.now().getTime() - this.failedAt >= RETRY_AFTER_FAILURE_MS;
      if (newer && retryDue) void this.refresh();
    } else if (age > (this.options.ttlMs ?? DEFAULT_TTL_MS)) void this.refresh();
    return this.index;
  }

  refresh(): Promise<void> {
    const snapshot = this.options.snapshot?.();
    const pause = this.options.pause ?? yieldToTurns;
    this.loading ??= loadSources(this.options.tenant, snapshot, pause)
      .then(async (sources) => {
        const connections = await buildConnectionCatalog(sources, pause);
        const names = await buildNames(sources, pause);
        // Only a complete index replaces the one in use: messages meanwhile are answered from the old one.
        this.index = await NameIndex.build(names, { connections }, pause);
        this.loadedAt = this.options.clock.now().getTime();
        this.builtFrom = snapshot?.takenAt.getTime();
      })
      .catch((error: unknown) => {
        this.options.onError?.(error);
        const now = this.options.clock.now().getTime();
        const ttl = this.options.ttlMs ?? DEFAULT_TTL_MS;
        this.failedAt = now;
        if (this.loadedAt === -Infinity || !snapshot) this.loadedAt = now - ttl + RETRY_AFTER_FAILURE_MS;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Every name understanding knows, read through the tenant ports (a part that fails is left out); environments,
 * flows and connections from the snapshot when one is given.
 */
export async function loadNames(tenant: TenantPorts, snapshot?: NamesSnapshot): Promise<TenantName[]> {
  return namesFrom(await loadSources(tenant, snapshot));
}

async function loadSources(
  tenant: TenantPorts,
  snapshot?: NamesSnapshot,
  pause: () => Promise<unknown> = async () => undefined,
): Promise<TenantNameSources> {
  if (snapshot) return fromSnapshot(tenant, snapshot, pause);
  const environments = await tenant.connections.listEnvironments();
  const [users, apps, perEnvironment] = await Promise.all([
    collect(tenant.directory.listUsers()).catch(() => []),
    collect(tenant.directory.listApplications()).catch(() => []),
    Promise.all(
      environments.map(async (environment) => ({
        environment,
        flows: await collect(tenant.flows.listFlows(environment.id)).catch((): Flow[] => []),
        connections: await collect(tenant.connections.listConnections(environment.id)).catch((): Connection[] => []),
        solutions: await collect(tenant.dataverse.listSolutions(environment)).catch(() => []),
      })),
    ),
  ]);
  return { environments, users, apps, perEnvironment };
}

/** The snapshot's environments, flows and connections, with the people, apps and solutions read now. */
async function fromSnapshot(
  tenant: TenantPorts,
  snapshot: NamesSnapshot,
  pause: () => Promise<unknown>,
): Promise<TenantNameSources> {
  const [users, apps, solutions] = await Promise.all([
    collect(tenant.directory.listUsers()).catch(() => []),
    collect(tenant.directory.listApplications()).catch(() => []),
    Promise.all(snapshot.environments.map((e) => collect(tenant.dataverse.listSolutions(e)).catch(() => []))),
  ]);
  const perEnvironment = snapshot.environments.map((environment, i) => ({
    environment,
    flows: [] as TenantNameSources['perEnvironment'][number]['flows'],
    connections: [] as TenantNameSources['perEnvironment'][number]['connections'],
    solutions: solutions[i],
  }));
  const byId = new Map(perEnvironment.map((p) => [p.environment.id.toLowerCase(), p]));
  // A tenant's worth of rows: sorted a slice at a time, as the rest of a refresh is built.
  let done = 0;
  for (const flow of snapshot.flows) {
    if (++done % SLICE === 0) await pause();
    byId.get(flow.environmentId.toLowerCase())?.flows.push(flow);
  }
  for (const connection of snapshot.connections) {
    if (++done % SLICE === 0) await pause();
    byId.get(connection.environmentId.toLowerCase())?.connections.push(connection);
  }
  return { environments: snapshot.environments, users, apps, perEnvironment };
}

/** What namesFrom needs of the tenant: the few fields of each thing that make its names. */
export interface TenantNameSources {
  environments: Pick<Environment, 'id' | 'displayName'>[];
  users: { id: string; displayName: string; userPrincipalName: string }[];
  apps: { id: string; displayName: string; appId?: string }[];
  perEnvironment: {
    environment: Pick<Environment, 'id' | 'displayName'>;
    flows: Pick<Flow, 'id' | 'displayName' | 'creatorId' | 'state'>[];
    /** Their id, display name and sign-in, when known, also name each connection on its own (ConnectionCatalog). */
    connections: ConnectionSource[];
    solutions: { id: string; friendlyName: string }[];
  }[];
}

/** The tenant's things as names: display names, with the other ways people say them. */
export function namesFrom(sources: TenantNameSources): TenantName[] {
  const names: TenantName[] = [];
  for (const _slice of fillNames(sources, names));
  return names;
}

/** The same names as namesFrom(), made a slice at a time with `pause()` between slices. */
export async function buildNames(sources: TenantNameSources, pause: () => Promise<unknown>): Promise<TenantName[]> {
  const names: TenantName[] = [];
  for (const _slice of fillNames(sources, names)) await pause();
  return names;
}

/** Pushes the names of `sources` onto `names`, yielding every SLICE things: the one way both of the above make them. */
function* fillNames(sources: TenantNameSources, names: TenantName[]): Generator<void, void, void> {
  const { environments, users, apps, perEnvironment } = sources;
  let done = 0;
  for (const environment of environments) names.push(environmentName(environment));
  for (const user of users) {
    if (++done % SLICE === 0) yield;
    const local = user.userPrincipalName.split('@')[0];
    const first = user.displayName.split(/\s+/)[0];
    const aliases: NameAlias[] = [{ text: user.userPrincipalName }];
    if (!local.includes('#')) aliases.push({ text: local });
    if (first && first !== user.displayName) aliases.push({ text: first, when: 'capitalised' });
    names.push({ type: 'user', name: user.displayName, id: user.id, aliases });
  }
  for (const app of apps) {
    if (++done % SLICE === 0) yield;
    names.push({ type: 'app', name: app.displayName, id: app.id });
  }
  const solutionsSeen = new Set<string>();
  const connectorOwners = new Map<string, Set<string>>();
  for (const { environment, flows, connections, solutions } of perEnvironment) {
    for (const flow of flows) {
      if (++done % SLICE === 0) yield;
      names.push({
        type: 'flow',
        name: flow.displayName,
        id: flow.id,
        environmentId: environment.id,
        environmentName: environment.displayName,
        visibleTo: [flow.creatorId.toLowerCase()],
        state: flow.state,
      });
    }
    for (const solution of solutions) {
      const key = solution.friendlyName.toLowerCase();
      if (solutionsSeen.has(key) || /^(default|active|common data services default solution)$/i.test(key)) continue;
      solutionsSeen.add(key);
      names.push({ type: 'solution', name: solution.friendlyName, id: solution.id });
    }
    for (const connection of connections) {
      if (++done % SLICE === 0) yield;
      const connector = connection.connector.split('/').pop() ?? connection.connector;
      const owners = connectorOwners.get(connector) ?? new Set<string>();
      owners.add(connection.createdBy.id.toLowerCase());
      connectorOwners.set(connector, owners);
    }
  }
  for (const [connector, owners] of connectorOwners) {
    const known = CONNECTOR_WORDS[connector];
    names.push({
      type: 'connection',
      name: connectorName(connector),
      aliases: known?.aliases ?? [],
      visibleTo: [...owners],
    });
  }
}

/** What the connector is called: its label, as the connection names above are. */
function connectorName(connector: string): string {
  return CONNECTOR_WORDS[connector]?.label ?? customConnectorLabel(connector);
}

/** Each connection on its own, for a sentence that names one (see connectionSubject.ts). */
export function connectionCatalog(sources: TenantNameSources): ConnectionCatalog {
  return ConnectionCatalog.from(catalogSources(sources));
}

/** The same catalog as connectionCatalog(), built a slice at a time with `pause()` between slices. */
export function buildConnectionCatalog(
  sources: TenantNameSources,
  pause: () => Promise<unknown>,
): Promise<ConnectionCatalog> {
  return ConnectionCatalog.build(catalogSources(sources), pause);
}

function catalogSources(sources: TenantNameSources): CatalogSources {
  return {
    environments: sources.environments,
    users: sources.users,
    apps: sources.apps,
    connections: sources.perEnvironment.map(({ environment, connections }) => ({
      environmentId: environment.id,
      rows: connections,
    })),
    connectorLabel: connectorName,
  };
}

function environmentName(environment: Pick<Environment, 'id' | 'displayName'>): TenantName {
  const last = environment.displayName.replace(/[()]/g, ' ').trim().split(/\s+/).pop()?.toLowerCase();
  const aliases: NameAlias[] = [];
  if (last && last !== environment.displayName.toLowerCase()) {
    aliases.push({ text: last, when: 'context' });
    for (const other of ENVIRONMENT_WORDS[last] ?? []) aliases.push({ text: other, when: 'context' });
  }
  return { type: 'environment', name: environment.displayName, id: environment.id, aliases };
}

/** "shared_contoso-20inventory-20api-5f7c…" → "Contoso Inventory API"-like words for a custom connector. */
function customConnectorLabel(connector: string): string {
  const words = connector
    .replace(/^shared_/, '')
    .replace(/-5f[0-9a-f]+$/i, '')
    .replace(/-20/g, ' ')
    .split(/[\s_-]+/)
    .filter((w) => w && !/^[0-9a-f]{8,}$/i.test(w));
  return words.map((w) => (w.length <= 3 ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1))).join(' ');
}
