/**
 * "What depends on X", as plain data: the connections that run as X, and for each the connection references bound
 * to it, the flows that use it (on/off), the canvas apps that use it and the solutions holding those, PROD first
 * and what already fails first.
 * Pure: the caller has already chosen the connections X runs and which of them the asker may see.
 */
import type { Connection, Environment } from '../../tenant/model';
import { isProductionEnvironment } from '../tenantFacts';
import type { IndexedFlow } from '../tenantIndex';
import type { DependencyGraph } from './dependencyGraph';

export interface FlowEntry {
  id: string;
  environmentId: string;
  displayName: string;
  on: boolean;
  /** Reference display names it uses this connection through (none: it names the connection itself). */
  via: string[];
  solutions: string[];
}

export interface AppEntry {
  id: string;
  environmentId: string;
  displayName: string;
  ownerName?: string;
  /** `reference`: every user of the app runs on this connection; `owner`: only its owner, when they open it. */
  how: 'reference' | 'owner';
  /** Reference display names it binds this connection through. */
  via: string[];
}

export interface ReferenceEntry {
  displayName: string;
  logicalName: string;
  solutions: string[];
}

export interface ConnectionEntry {
  connection: Connection;
  environment: Environment;
  production: boolean;
  failing: boolean;
  references: ReferenceEntry[];
  flows: FlowEntry[];
  /** Flows of other people that use this connection (a maker is told how many, not which). */
  othersFlows: number;
  apps: AppEntry[];
  /** Canvas apps of other people that use this connection (a maker is told how many, not which). */
  othersApps: number;
  /** False when the environment's canvas apps could not be read (or were not in the index): apps unknown. */
  appsKnown: boolean;
}

export interface ImpactReport {
  entries: ConnectionEntry[];
  /** Environments among the entries' whose references or flows could not all be read. */
  partialEnvironments: Environment[];
}

export interface ImpactVisibility {
  admin: boolean;
  /** The asker's object id: a maker sees the flows they made; an admin, every flow. */
  callerId: string;
}

const names = (solutions: { friendlyName: string }[]) => [...new Set(solutions.map((s) => s.friendlyName))];

export function impactReport(
  graph: DependencyGraph,
  connections: Connection[],
  visibility: ImpactVisibility,
): ImpactReport {
  const mayShow = (flow: IndexedFlow) =>
    visibility.admin || flow.creatorId.toLowerCase() === visibility.callerId.toLowerCase();
  const entries = connections.map((connection): ConnectionEntry => {
    const environment = graph.environment(connection.environmentId) ?? {
      id: connection.environmentId,
      displayName: connection.environmentId,
      isDefault: false,
    };
    const uses = graph.flowsUsing(connection);
    const shown = uses.filter((u) => mayShow(u.flow));
    const appUses = graph.appsUsing(connection);
    // The same rule as flows: a maker sees the apps they own.
    const shownApps = appUses.filter(
      (u) => visibility.admin || u.app.ownerId.toLowerCase() === visibility.callerId.toLowerCase(),
    );
    return {
      connection,
      environment,
      production: isProductionEnvironment(environment),
      failing: connection.status !== 'Connected',
      references: graph.referencesBoundTo(connection).map((r) => ({
        displayName: r.displayName,
        logicalName: r.logicalName,
        solutions: names(graph.solutionsHolding(r.id)),
      })),
      flows: shown
        .map(({ flow, viaReferences }) => ({
          id: flow.id,
          environmentId: flow.environmentId,
          displayName: flow.displayName,
          on: flow.state === 'Started',
          via: viaReferences.map((r) => r.displayName),
          solutions: names(graph.solutionsHolding(flow.workflowId)),
        }))
        .sort((a, b) => Number(b.on) - Number(a.on) || a.displayName.localeCompare(b.displayName)),
      othersFlows: uses.length - shown.length,
      apps: shownApps
        .map(({ app, how, viaReferences }) => ({
          id: app.id,
          environmentId: app.environmentId,
          displayName: app.displayName,
          ownerName: app.ownerName,
          how,
          via: viaReferences.map((r) => r.displayName),
        }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName)),
      othersApps: appUses.length - shownApps.length,
      appsKnown: graph.appsKnown(connection.environmentId),
    };
  });
  // PROD first, then what already fails, then what most depends on, then by name.
  entries.sort(
    (a, b) =>
      Number(b.production) - Number(a.production) ||
      Number(b.failing) - Number(a.failing) ||
      b.flows.length +
        b.othersFlows +
        b.apps.length +
        b.othersApps -
        (a.flows.length + a.othersFlows + a.apps.length + a.othersApps) ||
      a.environment.displayName.localeCompare(b.environment.displayName) ||
      a.connection.displayName.localeCompare(b.connection.displayName),
  );
  const partial = new Map<string, Environment>();
  for (const e of entries) if (graph.isPartial(e.environment.id)) partial.set(e.environment.id, e.environment);
  return { entries, partialEnvironments: [...partial.values()] };
}
