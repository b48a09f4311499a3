/**
 * Refused requests and clicks: every refusal is audited (who, what, why, correlation id) and answered with a
 * message that says what happened and what to do instead. Nothing is executed on a refused path.
 */
import type { Caller } from '../access/caller';
import { textReply, type Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import { getLogger } from '../logging/logger';

const log = getLogger('approvals');

export type RefusalReason =
  | 'unknownApproval'
  | 'unknownDraft'
  | 'otherTenant'
  | 'hashMismatch'
  | 'ownRequest'
  | 'notApprover'
  | 'notRequester'
  | 'alreadyDecided'
  | 'duplicate'
  | 'expired'
  | 'notAllowed'
  | 'noApprovers'
  | 'notRetryable';

export const REFUSAL_TEXT: Record<RefusalReason, string> = {
  unknownApproval: 'I could not find this request. The card may be from another installation or was altered.',
  unknownDraft: 'I could not find this draft request. Ask again to get a fresh card.',
  otherTenant: 'This request belongs to another organization; you cannot act on it.',
  hashMismatch:
    'This card does not match the request as it was sent (it was changed or is out of date). Nothing was done.',
  ownRequest: 'You cannot approve or reject your own request: another approver has to decide.',
  notApprover: 'You are not one of the approvers of this request, so your click was not counted.',
  notRequester: 'Only the person who prepared this request can send or cancel it.',
  alreadyDecided: 'This request was already decided; here is where it stands.',
  duplicate: 'Your decision on this request is already recorded; here is where it stands.',
  expired: 'This request has expired: nobody decided in time. The requester can ask again.',
  notAllowed: 'You are not allowed to request this.',
  noApprovers: 'Nobody other than you can approve this request, so I did not send it. Ask an admin.',
  notRetryable: 'This request does not need attention any more, so there is nothing to retry; here is where it stands.',
};

export async function refuse(
  ctx: DomainContext,
  caller: Caller,
  input: { reason: RefusalReason; subject: string; correlationId?: string; verb?: string; text?: string },
): Promise<Reply> {
  await ctx.store.audit.append({
    actor: caller.userId,
    action: 'approval.refused',
    subject: input.subject,
    outcome: 'refused',
    correlationId: input.correlationId,
    details: { reason: input.reason, verb: input.verb ?? null, callerTenant: caller.tenantId },
  });
  log.info({ reason: input.reason, approvalId: input.correlationId, caller: caller.userId }, 'refused');
  return textReply(input.text ?? REFUSAL_TEXT[input.reason]);
}
