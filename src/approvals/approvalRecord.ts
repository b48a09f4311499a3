/**
 * The request → decision → execution record of one approval, as stored in the `approvals` collection (key = id),
 * and the draft the requester confirms before anything is sent (collection `approvalDrafts`). Card data carries
 * only the id (and, on approval cards, the request hash); everything else is read from here.
 */

export interface ConnectionTarget {
  environmentId: string;
  environmentName: string;
  connector: string;
  connectionName: string;
  displayName: string;
  ownerId: string;
  ownerName: string;
}

export interface ShareOperation {
  kind: 'share';
  connections: ConnectionTarget[];
  principalId: string;
  principalName: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  role: 'CanView' | 'CanEdit';
  /** The flow the requester wants to run, when the request came from a diagnosis. */
  flow?: { id: string; displayName: string };
}

export interface RotationOperation {
  kind: 'rotation';
  appObjectId: string;
  appId: string;
  appName: string;
}

export type Operation = ShareOperation | RotationOperation;

export type ApprovalState =
  'pending' | 'approved' | 'running' | 'done' | 'failed' | 'needsAttention' | 'rejected' | 'expired';

export interface Decision {
  by: string;
  byName: string;
  decision: 'approve' | 'reject';
  comment?: string;
  at: string;
}

/** What the requester is shown before sending; becomes an Approval with the same id. */
export interface Draft {
  id: string;
  tenantId: string;
  requesterId: string;
  requesterName: string;
  operation: Operation;
  riskNotes: string[];
  createdAt: string;
}

export interface Approval {
  id: string;
  tenantId: string;
  requesterId: string;
  requesterName: string;
  operation: Operation;
  justification: string;
  riskNotes: string[];
  approverIds: string[];
  approverNames: Record<string, string>;
  requiredApprovals: number;
  createdAt: string;
  expiresAt: string;
  /** Hash of the fields above, fixed at creation; approval cards carry it and a click must match it. */
  hash: string;
  state: ApprovalState;
  decisions: Decision[];
  /** Plain-words outcome of the execution (never a secret). */
  result?: string;
  rotationId?: string;
  /** [Retry] presses on a rotation that needed attention (who asked for the connection switch again, when). */
  retries?: Retry[];
  updatedAt: string;
}

export interface Retry {
  by: string;
  byName: string;
  at: string;
}

export const APPROVALS = 'approvals';
export const DRAFTS = 'approvalDrafts';

export const isOpen = (state: ApprovalState): boolean => state === 'pending';
export const isFinal = (state: ApprovalState): boolean =>
  state === 'done' || state === 'failed' || state === 'needsAttention' || state === 'rejected' || state === 'expired';

/** A rotation approval whose saga stopped at the connection switch: the only request [Retry the switch] applies to. */
export const isRetryable = (approval: Approval): boolean =>
  approval.state === 'needsAttention' && approval.operation.kind === 'rotation' && approval.rotationId !== undefined;

/** What audit entries of a request are filed under: the app, or the connection(s). */
export function subjectOf(operation: Operation): string {
  return operation.kind === 'rotation' ? operation.appName : operation.connections.map((c) => c.displayName).join(', ');
}
