/**
 * The tenant as the governance rules read it: plain arrays, no ports, no I/O. The connections service builds one
 * per health report; the notifications scanner builds its own (streamed and trimmed to what the rules need) and
 * feeds the same rule functions.
 */
import type {
  AppRegistration,
  ApplicationUser,
  Connection,
  ConnectionReference,
  Environment,
  Flow,
  Solution,
  SolutionFlow,
  User,
} from '../tenant/model';

export interface SnapshotReference extends ConnectionReference {
  environmentId: string;
}

export interface SnapshotSolution extends Solution {
  environmentId: string;
  /** Object ids of the solution's components (connection reference ids, workflow ids, …), any component type. */
  componentObjectIds: string[];
}

export interface SnapshotSolutionFlow extends SolutionFlow {
  environmentId: string;
}

export interface SnapshotApplicationUser extends ApplicationUser {
  environmentId: string;
}

export interface SnapshotApp extends AppRegistration {
  ownerIds: string[];
}

export interface TenantSnapshot {
  /** The moment expiry is measured against. */
  now: Date;
  environments: Environment[];
  connections: Connection[];
  /** Flows from the Flow API (classic and solution flows), with their connection references. */
  flows: Flow[];
  /** Flows stored in Dataverse; only those without a Flow API twin (same workflowId) add anything. */
  solutionFlows: SnapshotSolutionFlow[];
  references: SnapshotReference[];
  solutions: SnapshotSolution[];
  applicationUsers: SnapshotApplicationUser[];
  apps: SnapshotApp[];
  users: User[];
  /** Environments whose connections could not be read: rules must not conclude a connection is missing there. */
  partialEnvironmentIds?: string[];
  /**
   * Environments whose flows or connection references could not be read completely: rules must not conclude there
   * that nothing uses a connection.
   */
  usageUnknownEnvironmentIds?: string[];
}

export function emptySnapshot(now: Date): TenantSnapshot {
  return {
    now,
    environments: [],
    connections: [],
    flows: [],
    solutionFlows: [],
    references: [],
    solutions: [],
    applicationUsers: [],
    apps: [],
    users: [],
  };
}
