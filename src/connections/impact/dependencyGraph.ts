/**
 * Who uses a connection: the connection references bound to it, the flows that use it (directly, or through one
 * of those references), the canvas apps that use it (see appsUsing) and the solutions that hold those references
 * and flows. Built from the same plain rows
 * whether they come from the tenant index (the last scan) or from a live read of a few environments, so both
 * answers to "what depends on X" follow one set of rules.
 */
import type { Connection, Environment } from '../../tenant/model';
import type { IndexedCanvasApp, IndexedFlow, IndexedReference, IndexedSolution } from '../tenantIndex';
import { connectionKey } from '../tenantFacts';

export interface DependencyRows {
  environments: Environment[];
  flows: IndexedFlow[];
  references: IndexedReference[];
  solutions: IndexedSolution[];
  /** Environments whose rows could not all be read: what is missing there is unknown, not absent. */
  partialEnvironmentIds: string[];
  /** Canvas apps; undefined when none were read at all (an index made before apps were read). */
  apps?: IndexedCanvasApp[];
  /** Environments whose canvas apps could not be read. */
  appsUnreadEnvironmentIds?: string[];
}

/**
 * A canvas app that uses a connection. `reference`: a solution-aware app binds a connection reference bound to it,
 * so every user of the app runs on this connection. `owner`: the app uses the connection's connector with no
 * reference, so it signs in as whoever opens it, and this connection is the one it uses when its owner (the
 * connection's creator) opens it; others use their own.
 */
export interface AppDependency {
  app: IndexedCanvasApp;
  how: 'reference' | 'owner';
  viaReferences: IndexedReference[];
}

/** A flow that uses a connection, and through which references (none: the flow names the connection itself). */
export interface FlowDependency {
  flow: IndexedFlow;
  viaReferences: IndexedReference[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const referenceKey = (environmentId: string, logicalName: string) => `${environmentId}/${logicalName.toLowerCase()}`;
const ownerConnectorKey = (environmentId: string, connector: string, ownerId: string) =>
  `${environmentId}/${connector.toLowerCase()}/${ownerId.toLowerCase()}`;

export class DependencyGraph {
  private readonly referencesByConnection = new Map<string, IndexedReference[]>();
  private readonly flowsByConnection = new Map<string, Map<string, FlowDependency>>();
  private readonly solutionsByObject = new Map<string, IndexedSolution[]>();
  private readonly environmentsById: Map<string, Environment>;
  private readonly partial: Set<string>;
  private readonly appsByReference = new Map<string, IndexedCanvasApp[]>();
  /** Apps by environment, connector and owner (no reference on that connector). */
  private readonly appsByOwnerConnector = new Map<string, IndexedCanvasApp[]>();
  private readonly appsUnread: Set<string>;
  readonly appsRead: boolean;

  constructor(rows: DependencyRows) {
    this.appsRead = rows.apps !== undefined;
    this.appsUnread = new Set(rows.appsUnreadEnvironmentIds ?? []);
    for (const app of rows.apps ?? []) {
      for (const use of app.connectors) {
        if (use.connectionReferenceLogicalName) {
          push(this.appsByReference, referenceKey(app.environmentId, use.connectionReferenceLogicalName), app);
        } else {
          push(this.appsByOwnerConnector, ownerConnectorKey(app.environmentId, use.connector, app.ownerId), app);
        }
      }
    }
    this.environmentsById = new Map(rows.environments.map((e) => [e.id, e]));
    this.partial = new Set(rows.partialEnvironmentIds);
    const referencesByName = new Map<string, IndexedReference>();
    for (const reference of rows.references) {
      referencesByName.set(referenceKey(reference.environmentId, reference.logicalName), reference);
      if (reference.connectionName) {
        push(this.referencesByConnection, connectionKey(reference.environmentId, reference.connectionName), reference);
      }
    }
    for (const flow of rows.flows) {
      for (const use of flow.uses ?? []) {
        // A solution flow goes through its reference: the reference's binding is the truth, even when the Flow API
        // also echoes a resolved connection name (the same rule as connectionUsage.ts).
        const reference = use.referenceLogicalName
          ? referencesByName.get(referenceKey(flow.environmentId, use.referenceLogicalName))
          : undefined;
        const connectionName = reference ? reference.connectionName : use.connectionName;
        if (!connectionName) continue;
        const key = connectionKey(flow.environmentId, connectionName);
        let flows = this.flowsByConnection.get(key);
        if (!flows) this.flowsByConnection.set(key, (flows = new Map()));
        const entry = flows.get(flow.id) ?? { flow, viaReferences: [] };
        if (reference && !entry.viaReferences.includes(reference)) entry.viaReferences.push(reference);
        flows.set(flow.id, entry);
      }
    }
    for (const solution of rows.solutions) {
      for (const objectId of solution.componentObjectIds)
        push(this.solutionsByObject, objectId.toLowerCase(), solution);
    }
  }

  environment(id: string): Environment | undefined {
    return this.environmentsById.get(id);
  }

  isPartial(environmentId: string): boolean {
    return this.partial.has(environmentId);
  }

  referencesBoundTo(connection: Pick<Connection, 'environmentId' | 'name'>): IndexedReference[] {
    return this.referencesByConnection.get(connectionKey(connection.environmentId, connection.name)) ?? [];
  }

  flowsUsing(connection: Pick<Connection, 'environmentId' | 'name'>): FlowDependency[] {
    return [...(this.flowsByConnection.get(connectionKey(connection.environmentId, connection.name))?.values() ?? [])];
  }

  /** Whether the canvas apps of an environment are known (read, or in the index). */
  appsKnown(environmentId: string): boolean {
    return this.appsRead && !this.appsUnread.has(environmentId);
  }

  /**
   * Canvas apps that use a connection: through a reference bound to it, or (a person's connection) as the connector
   * of an app the connection's creator owns. An app that uses the connector but is someone else's is not listed:
   * it opens with its own user's connection, never this one.
   */
  appsUsing(
    connection: Pick<Connection, 'environmentId' | 'name' | 'connector' | 'createdBy' | 'authType'>,
  ): AppDependency[] {
    const out = new Map<string, AppDependency>();
    for (const reference of this.referencesBoundTo(connection)) {
      for (const app of this.appsByReference.get(referenceKey(reference.environmentId, reference.logicalName)) ?? []) {
        const entry = out.get(app.id) ?? { app, how: 'reference' as const, viaReferences: [] };
        if (!entry.viaReferences.includes(reference)) entry.viaReferences.push(reference);
        out.set(app.id, entry);
      }
    }
    if (connection.authType === 'user') {
      const key = ownerConnectorKey(connection.environmentId, connection.connector, connection.createdBy.id);
      for (const app of this.appsByOwnerConnector.get(key) ?? []) {
        if (!out.has(app.id)) out.set(app.id, { app, how: 'owner', viaReferences: [] });
      }
    }
    return [...out.values()];
  }

  /** Solutions that hold a component (a reference id or a flow's workflow id). */
  solutionsHolding(objectId: string | undefined): IndexedSolution[] {
    return objectId ? (this.solutionsByObject.get(objectId.toLowerCase()) ?? []) : [];
  }
}
