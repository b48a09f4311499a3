/**
 * The request → decision → execution record of one approval, as stored in the `approvals` collection (key = id),
 * and the draft the requester confirms before anything is sent (collection `approvalDrafts`). Card data carries
 * only the id (and, on approval cards, the request hash); everything else is read from here.
 */
import type { OperationPayload, OperationStep } from '../operations/operationKind';
import type { OperationRegistry } from '../operations/registry';

/** What was asked; `kind` names its module in src/operations (see operations/registry.ts). */
export type Operation = OperationPayload;

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
  /** Where a multi-step run stands while it runs (plain words, set by the operation's progress reports). */
  progress?: string;
  /** The running operation's step list (RunControls.steps); kept on the finished request as its last state. */
  steps?: OperationStep[];
  /** When the progress or steps were last reported (ISO): the card's "40 s so far" is counted to this time. */
  progressAt?: string;
  /** When a progress update of the cards was last queued (ISO): the per-card throttle counts from here. */
  progressSentAt?: string;
  /** [Retry] presses on a request that needed attention (who asked for it again, when). */
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

/** A request that needs attention and whose kind offers [Retry]: the only requests a retry applies to. */
export const isRetryable = (approval: Approval, operations: OperationRegistry): boolean =>
  approval.state === 'needsAttention' && operations.of(approval.operation).retry !== undefined;

/** What audit entries of a request are filed under: the app, or the connection(s). */
export function subjectOf(operation: Operation, operations: OperationRegistry): string {
  return operations.of(operation).subject(operation);
}
