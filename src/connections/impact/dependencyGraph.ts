/**
 * Who uses a connection: the connection references bound to it, the flows that use it (directly, or through one
 * of those references) and the solutions that hold those references and flows. Built from the same plain rows
 * whether they come from the tenant index (the last scan) or from a live read of a few environments, so both
 * answers to "what depends on X" follow one set of rules.
 */
import type { Connection, Environment } from '../../tenant/model';
import type { IndexedFlow, IndexedReference, IndexedSolution } from '../tenantIndex';
import { connectionKey } from '../tenantFacts';

export interface DependencyRows {
  environments: Environment[];
  flows: IndexedFlow[];
  references: IndexedReference[];
  solutions: IndexedSolution[];
  /** Environments whose rows could not all be read: what is missing there is unknown, not absent. */
  partialEnvironmentIds: string[];
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

export class DependencyGraph {
  private readonly referencesByConnection = new Map<string, IndexedReference[]>();
  private readonly flowsByConnection = new Map<string, Map<string, FlowDependency>>();
  private readonly solutionsByObject = new Map<string, IndexedSolution[]>();
  private readonly environmentsById: Map<string, Environment>;
  private readonly partial: Set<string>;

  constructor(rows: DependencyRows) {
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

  /** Solutions that hold a component (a reference id or a flow's workflow id). */
  solutionsHolding(objectId: string | undefined): IndexedSolution[] {
    return objectId ? (this.solutionsByObject.get(objectId.toLowerCase()) ?? []) : [];
  }
}
