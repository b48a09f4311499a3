/**
 * What a re-point request says, frozen when it is drafted (the preview the approvers approve): which references of
 * one solution move from which connection to which, the flows that use them, and what was refused and why. Names
 * are stored with the ids so cards need no look-up. An undo is the same kind, with the previous bindings as targets.
 */
import type { OperationPayload } from '../operationKind';

export interface ConnectionInfo {
  name: string;
  displayName: string;
}

export interface PlannedReference {
  referenceId: string;
  logicalName: string;
  displayName: string;
  /** Connector id as the reference names it (…/apis/shared_sharepointonline). */
  connectorId: string;
  /** The binding when the request was drafted (the job records the one it really finds before it writes). */
  from: ConnectionInfo | null;
  to: ConnectionInfo;
}

export interface RefusedReference {
  displayName: string;
  /** The connection that was considered, when there was one. */
  target?: string;
  /** Plain words: why it cannot be re-pointed, and what to do. */
  reason: string;
}

export interface PlannedFlow {
  flowId: string;
  displayName: string;
  /** Logical names of the moved references this flow uses. */
  referenceLogicalNames: string[];
  /** Whether it was on when drafted: only a flow on is turned off and on (the job checks again before it starts). */
  onWhenDrafted: boolean;
}

export interface RepointOperation extends OperationPayload {
  kind: 'repoint';
  environmentId: string;
  environmentName: string;
  solutionId: string;
  solutionName: string;
  references: PlannedReference[];
  refused: RefusedReference[];
  flows: PlannedFlow[];
  /** Entra ids of the solution's owners (owners of its flows) who may approve besides the admins. */
  solutionOwnerIds: string[];
  /** Set on an undo: the approval whose re-point this puts back. */
  undoOf?: string;
}

export const REPOINT_KIND = 'repoint';
