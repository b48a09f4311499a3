/**
 * The privileged operations an approved request runs, as the approvals folder needs them. The real ones live in
 * src/operations (bound in defaultOperations.ts); keeping this seam small lets the approval state machine be
 * read without the saga's details.
 */
import type { DomainContext } from '../context';

export interface ShareInput {
  environmentId: string;
  connector: string;
  connectionName: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  role: 'CanView' | 'CanEdit';
  /** The connection's display name as the request recorded it (no look-up needed). */
  displayName?: string;
}

/** Where a rotation saga stands, in the terms the approval cards need. Never carries a secret. */
export interface RotationProgress {
  id: string;
  state: 'done' | 'waiting' | 'failed' | 'needsAttention' | 'running';
  /** For `waiting`: when to run it again (ISO time). */
  notBefore?: string;
  /** Plain words for the requester and approvers. */
  summary: string;
}

export interface ApprovalOperations {
  share(ctx: DomainContext, input: ShareInput): Promise<{ verified: boolean }>;
  createRotation(
    ctx: DomainContext,
    input: { appObjectId: string; requestedBy: string; approvalId: string },
  ): Promise<{ id: string }>;
  advanceRotation(ctx: DomainContext, rotationId: string): Promise<RotationProgress>;
  /** Puts a needsAttention rotation back on its connection step; false when it is not in needsAttention. */
  reopenRotation(ctx: DomainContext, rotationId: string, by: string): Promise<boolean>;
}
