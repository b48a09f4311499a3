/**
 * The fingerprint of a request's content. It is computed once when the request is created, stored with it and
 * put on the approval cards; a click whose hash differs from the stored one refers to something other than
 * what the approver was shown (an altered payload or a stale card) and is refused.
 */
import { createHash } from 'node:crypto';
import type { Approval } from './approvalRecord';

/** The fields a request's fingerprint covers. */
export type HashedFields = Pick<
  Approval,
  | 'id'
  | 'tenantId'
  | 'requesterId'
  | 'operation'
  | 'justification'
  | 'approverIds'
  | 'requiredApprovals'
  | 'createdAt'
  | 'expiresAt'
>;

/** JSON with sorted keys, so the same content always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(fields: HashedFields): string {
  const content: HashedFields = {
    id: fields.id,
    tenantId: fields.tenantId,
    requesterId: fields.requesterId,
    operation: fields.operation,
    justification: fields.justification,
    approverIds: fields.approverIds,
    requiredApprovals: fields.requiredApprovals,
    createdAt: fields.createdAt,
    expiresAt: fields.expiresAt,
  };
  return createHash('sha256').update(canonical(content)).digest('base64url').slice(0, 32);
}
