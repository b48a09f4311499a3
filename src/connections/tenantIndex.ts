/**
 * The last full read of the tenant, indexed by who owns what, so that a maker's turn finds *their* connections and
 * flows without listing every environment. The admin APIs have no server-side filter by creator (the Power Apps
 * admin list returns an environment's every connection; Microsoft's own admin cmdlets filter `-CreatedBy` on the
 * client after listing), so the tenant-wide listing is done once, by the scan or by a background build, and each
 * turn then reads live only the few items it shows (see liveConnections.ts).
 *
 * The index is plain data (it crosses from the scan's worker thread by structured clone) plus Maps built on
 * arrival. It says where things are and what they looked like at `takenAt`; a card never presents its statuses as
 * current without saying so.
 */
import type {
  CanvasApp,
  CanvasAppConnector,
  Connection,
  ConnectionReference,
  Environment,
  Flow,
  User,
} from '../tenant/model';
import { NameIndex } from '../understanding/nameResolution';
import { connectionKey } from './tenantFacts';

/** A connection as the scan saw it, with how many flows used it then. */
export interface IndexedConnection extends Connection {
  flowCount: number;
}

/** Where a flow is and who made it: enough to find it by name and read it live. */
export interface IndexedFlow {
  id: string;
  environmentId: string;
  displayName: string;
  creatorId: string;
  /** As of the index (a picker shows it; a diagnosis reads the flow again). */
  state: Flow['state'];
  /** Dataverse workflow id of a solution flow (what its solution's components name). */
  workflowId?: string;
  /** The connections it uses, directly or through a connection reference (what "what depends on X" follows). */
  uses?: IndexedFlowUse[];
}

/** One connection a flow uses: by name (classic flows) or through a reference's logical name (solution flows). */
export interface IndexedFlowUse {
  connectionName?: string;
  referenceLogicalName?: string;
}

/** A Dataverse connection reference and the connection it is bound to, as the listing saw it. */
export interface IndexedReference {
  id: string;
  environmentId: string;
  logicalName: string;
  displayName: string;
  connectionName?: string;
}

/** A solution and the object ids of its components (references, workflows), as the listing saw it. */
export interface IndexedSolution {
  id: string;
  environmentId: string;
  friendlyName: string;
  componentObjectIds: string[];
}

export interface TenantIndexData {
  /** When the listing started: anything created after it is not in the index. */
  takenAt: string;
  environments: Environment[];
  connections: IndexedConnection[];
  flows: IndexedFlow[];
  /** Environments whose connections or flows could not be read: the index cannot say what is (not) there. */
  partialEnvironmentIds: string[];
  /**
   * Owners of the app registrations with a credential that ended at most `staleAfterDays` ago or ends within
   * `withinDays` (the scan reads owners only for those). Absent when the index was not made by a scan or some
   * owners could not be read.
   */
  appOwners?: { withinDays: number; staleAfterDays: number; apps: IndexedApp[] };
  /**
   * Connection references and solutions of every environment read: with `uses` on the flows, what answers "what
   * depends on X" without a listing. Absent from an index made without them (impact then reads live).
   */
  references?: IndexedReference[];
  solutions?: IndexedSolution[];
  /** Directory users with their account status, as read then (absent when the directory could not be read). */
  people?: User[];
  /**
   * Canvas apps of every environment read (what "what depends on X" lists beside flows). Absent from an index made
   * before apps were read: the impact card then says so.
   */
  canvasApps?: IndexedCanvasApp[];
  /** Environments whose canvas apps could not be read (their apps are unknown, not absent). */
  canvasAppsUnreadEnvironmentIds?: string[];
}

/** A canvas app: where it is, who owns it, the connectors it uses (and the references a solution-aware one binds). */
export interface IndexedCanvasApp {
  id: string;
  environmentId: string;
  displayName: string;
  ownerId: string;
  ownerName?: string;
  connectors: CanvasAppConnector[];
}

export function indexedCanvasApp(app: CanvasApp): IndexedCanvasApp {
  const { id, environmentId, displayName, ownerId, ownerName, connectors } = app;
  return { id, environmentId, displayName, ownerId, ...(ownerName ? { ownerName } : {}), connectors };
}

/** An app registration and its owners, as the scan read them (credentials are read again when shown). */
export interface IndexedApp {
  id: string;
  appId: string;
  displayName: string;
  ownerIds: string[];
}

/** Drops what the index does not need (parameters, timestamps) so 100,000 connections stay small. */
export function indexedConnection(connection: Connection, flowCount: number): IndexedConnection {
  return {
    name: connection.name,
    connector: connection.connector,
    displayName: connection.displayName,
    environmentId: connection.environmentId,
    status: connection.status,
    error: connection.error,
    createdBy: connection.createdBy,
    accountName: connection.accountName,
    authType: connection.authType,
    servicePrincipalAppId: connection.servicePrincipalAppId,
    isCustomConnector: connection.isCustomConnector,
    flowCount,
  };
}

export function indexedFlow(flow: Flow): IndexedFlow {
  const { id, environmentId, displayName, creatorId, state, workflowId } = flow;
  const uses = flow.connectionReferences.map((r): IndexedFlowUse => ({
    connectionName: r.connectionName,
    referenceLogicalName: r.connectionReferenceLogicalName,
  }));
  return { id, environmentId, displayName, creatorId, state, workflowId, uses };
}

/** A directory user as the index keeps it (the fields of User, nothing more). */
export function indexedPerson(user: User): User {
  const { id, displayName, userPrincipalName, accountEnabled, userType } = user;
  return { id, displayName, userPrincipalName, accountEnabled, userType };
}

export function indexedReference(environmentId: string, reference: ConnectionReference): IndexedReference {
  const { id, logicalName, displayName, connectionName } = reference;
  return { id, environmentId, logicalName, displayName, connectionName };
}

/** Rows handled between two pauses when an index is built or decoded on the bot's thread. */
const SLICE = 1_000;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class TenantIndex {
  readonly takenAt: Date;
  private readonly connectionsByOwner = new Map<string, IndexedConnection[]>();
  private readonly connectionsByKey = new Map<string, IndexedConnection>();
  private readonly flowsByCreator = new Map<string, IndexedFlow[]>();
  private readonly environmentsById: Map<string, Environment>;
  private readonly partial: Set<string>;
  private flowNameIndex?: NameIndex<IndexedFlow>;
  private readonly appsByOwner = new Map<string, IndexedApp[]>();
  private readonly connectionsByApp = new Map<string, IndexedConnection[]>();
  private readonly flowsById = new Map<string, IndexedFlow>();

  private constructor(readonly data: TenantIndexData) {
    this.takenAt = new Date(data.takenAt);
    this.environmentsById = new Map(data.environments.map((e) => [e.id, e]));
    this.partial = new Set(data.partialEnvironmentIds);
    for (const app of data.appOwners?.apps ?? []) {
      for (const owner of app.ownerIds) push(this.appsByOwner, owner.toLowerCase(), app);
    }
  }

  /**
   * The index of `data`, its lookups filled a slice at a time with `pause()` between slices: at 100,000 connections
   * filling them at once held the bot's thread for tens of milliseconds.
   */
  static async build(data: TenantIndexData, pause: () => Promise<unknown> = async () => {}): Promise<TenantIndex> {
    const index = new TenantIndex(data);
    for (let i = 0; i < data.connections.length; i += SLICE) {
      for (const c of data.connections.slice(i, i + SLICE)) index.addConnection(c);
      await pause();
    }
    for (let i = 0; i < data.flows.length; i += SLICE) {
      for (const f of data.flows.slice(i, i + SLICE)) index.addFlow(f);
      await pause();
    }
    return index;
  }

  private addConnection(c: IndexedConnection): void {
    if (c.servicePrincipalAppId) push(this.connectionsByApp, c.servicePrincipalAppId.toLowerCase(), c);
    push(this.connectionsByOwner, c.createdBy.id.toLowerCase(), c);
    this.connectionsByKey.set(connectionKey(c.environmentId, c.name), c);
  }

  private addFlow(f: IndexedFlow): void {
    push(this.flowsByCreator, f.creatorId.toLowerCase(), f);
    this.flowsById.set(f.id.toLowerCase(), f);
  }

  get environments(): Environment[] {
    return this.data.environments;
  }

  environment(id: string): Environment | undefined {
    return this.environmentsById.get(id);
  }

  /** Environments the index could not read completely. */
  get partialEnvironments(): Environment[] {
    return this.data.environments.filter((e) => this.partial.has(e.id));
  }

  connectionsOwnedBy(userId: string): IndexedConnection[] {
    return this.connectionsByOwner.get(userId.toLowerCase()) ?? [];
  }

  connection(environmentId: string, connectionName: string): IndexedConnection | undefined {
    return this.connectionsByKey.get(connectionKey(environmentId, connectionName));
  }

  flowsCreatedBy(userId: string): IndexedFlow[] {
    return this.flowsByCreator.get(userId.toLowerCase()) ?? [];
  }

  /** Every flow (admins look flows up tenant-wide; makers' candidates are checked for ownership before use). */
  get flows(): IndexedFlow[] {
    return this.data.flows;
  }

  /**
   * The apps this person owns among those with a credential in the window the scan covered; undefined when the
   * index cannot answer for `withinDays` (no owners in it, or a narrower window than asked).
   */
  appsOwnedBy(userId: string, withinDays: number): IndexedApp[] | undefined {
    const owners = this.data.appOwners;
    if (!owners || owners.withinDays < withinDays) return undefined;
    return this.appsByOwner.get(userId.toLowerCase()) ?? [];
  }

  /** Service-principal connections that sign in as this app (client id). */
  connectionsSigningInAs(appId: string): IndexedConnection[] {
    return this.connectionsByApp.get(appId.toLowerCase()) ?? [];
  }

  flow(flowId: string): IndexedFlow | undefined {
    return this.flowsById.get(flowId.toLowerCase());
  }

  /** Flows by name, tolerant of typos; built on first use and kept with the index (20,000 names at scale). */
  get flowNames(): NameIndex<IndexedFlow> {
    this.flowNameIndex ??= new NameIndex(this.data.flows, (f) => f.displayName);
    return this.flowNameIndex;
  }
}

/**
 * The index as bytes, for the scan's worker thread to hand over without a structured clone: cloning 100,000
 * connections cost the receiving thread most of a second in one piece. One JSON line of header, then one line per
 * connection and per flow, so that decodeTenantIndex can parse it a slice at a time.
 */
export function encodeTenantIndex(data: TenantIndexData): Uint8Array {
  const { connections, flows, ...header } = data;
  const lines = [JSON.stringify({ ...header, connectionCount: connections.length, flowCount: flows.length })];
  for (const c of connections) lines.push(JSON.stringify(c));
  for (const f of flows) lines.push(JSON.stringify(f));
  return new TextEncoder().encode(lines.join('\n'));
}

export async function decodeTenantIndex(
  bytes: Uint8Array,
  pause: () => Promise<unknown> = async () => {},
): Promise<TenantIndexData> {
  const decoder = new TextDecoder();
  const rows: unknown[] = [];
  let header: (Omit<TenantIndexData, 'connections' | 'flows'> & { connectionCount: number }) | undefined;
  let rest = '';
  const take = (lines: string[]) => {
    if (!header && lines.length) header = JSON.parse(lines.shift() as string);
    if (lines.length) rows.push(...(JSON.parse(`[${lines.join(',')}]`) as unknown[]));
  };
  const CHUNK = 64 * 1024;
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const text = rest + decoder.decode(bytes.subarray(at, at + CHUNK), { stream: at + CHUNK < bytes.length });
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    take(lines);
    await pause();
  }
  take(rest ? [rest] : []);
  if (!header) throw new Error('the encoded tenant index is empty');
  const { connectionCount, flowCount: _flows, ...fields } = header as typeof header & { flowCount: number };
  return {
    ...fields,
    connections: rows.slice(0, connectionCount) as IndexedConnection[],
    flows: rows.slice(connectionCount) as IndexedFlow[],
  };
}
