/**
 * [Approve] / [Reject] on an approval card. The card's data is untrusted: the approval is loaded by id and the
 * clicker is checked server-side (same tenant, request unchanged — hash —, not the requester, an approver of this
 * request and still entitled to approve, request not expired, still pending). The decision is a versioned state
 * transition, so simultaneous or repeated clicks produce one decision and one job; the others, and every refused
 * click, are audited and get the card's current state. The click is answered at once; the job does the work
 * (see lateInvokeResponses.ts for why a click also books one more update of the clicker's card).
 */
import type { Caller } from '../access/caller';
import type { Notification, Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import type { JobRunner } from '../jobs/jobRunner';
import type { OperationRegistry } from '../operations/registry';
import { cardFor, cardKeyOf, copiesOf, finalCard } from './approvalCards';
import { subjectOf, type Approval, type Decision } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import { coverLateResponse } from './lateInvokeResponses';
import { refuse, REFUSAL_TEXT, type RefusalReason } from './refusals';

export interface ApprovalActionResult {
  reply: Reply;
  notifications: Notification[];
  /** The clicked card now shows this approval: src/app remembers it under this key to update it later. */
  replyCardKey?: string;
}

export async function enqueueExecution(
  jobs: JobRunner,
  operations: OperationRegistry,
  approval: Approval,
): Promise<void> {
  // The id makes the enqueue idempotent: a re-enqueue after a crash or a replay finds the same job.
  await jobs.enqueue(
    operations.of(approval.operation).job,
    { approvalId: approval.id },
    { id: `approval:${approval.id}` },
  );
}

type Outcome =
  | { kind: 'approved' | 'partlyApproved' | 'rejected'; approval: Approval }
  | { kind: 'expired'; approval: Approval }
  | { kind: 'alreadyDecided' | 'duplicate'; approval: Approval };

export async function decideApproval(
  ctx: DomainContext,
  jobs: JobRunner,
  operations: OperationRegistry,
  caller: Caller,
  decision: 'approve' | 'reject',
  data: Record<string, unknown>,
  inputs: Record<string, unknown>,
): Promise<ApprovalActionResult> {
  const verb = decision === 'approve' ? 'approval.approve' : 'approval.reject';
  const approvalId = typeof data.approvalId === 'string' ? data.approvalId : '';
  const hash = typeof data.hash === 'string' ? data.hash : '';
  const repository = new ApprovalRepository(ctx.store.records);
  const refused = async (reason: RefusalReason, approval?: Approval): Promise<ApprovalActionResult> => {
    const reply = await refuse(ctx, caller, {
      reason,
      verb,
      subject: approval ? subjectOf(approval.operation, operations) : 'unknown request',
      correlationId: approvalId || undefined,
    });
    return { reply, notifications: [] };
  };

  const loaded = approvalId ? await repository.get(approvalId) : undefined;
  if (!loaded) return refused('unknownApproval');
  const refusal = await approverRefusal(ctx, operations, caller, loaded, hash);
  if (refusal) return refused(refusal, loaded);

  const comment = typeof inputs.comment === 'string' ? inputs.comment.trim().slice(0, 500) : '';
  const byName = caller.displayName ?? loaded.approverNames[caller.userId] ?? caller.userId;
  const now = ctx.clock.now();
  const outcome = await repository.update<Outcome>(approvalId, (current) => {
    if (current.state !== 'pending') return { result: { kind: 'alreadyDecided', approval: current } };
    if (now.getTime() >= Date.parse(current.expiresAt)) {
      const expired: Approval = { ...current, state: 'expired', updatedAt: now.toISOString() };
      return { write: expired, result: { kind: 'expired', approval: expired } };
    }
    if (current.decisions.some((d) => d.by === caller.userId)) {
      return { result: { kind: 'duplicate', approval: current } };
    }
    const entry: Decision = {
      by: caller.userId,
      byName,
      decision,
      at: now.toISOString(),
      ...(comment ? { comment } : {}),
    };
    const decisions = [...current.decisions, entry];
    const approvals = decisions.filter((d) => d.decision === 'approve').length;
    const state = decision === 'reject' ? 'rejected' : approvals >= current.requiredApprovals ? 'approved' : 'pending';
    const next: Approval = { ...current, decisions, state, updatedAt: now.toISOString() };
    const kind = state === 'rejected' ? 'rejected' : state === 'approved' ? 'approved' : 'partlyApproved';
    return { write: next, result: { kind, approval: next } };
  });
  if (!outcome) return refused('unknownApproval');

  const { approval } = outcome;
  // Whatever this click is answered with, a late response must not outlive the final card.
  await coverLateResponse(jobs, approval, caller.userId, now);
  const subject = subjectOf(approval.operation, operations);
  const key = cardKeyOf(approval.id);
  switch (outcome.kind) {
    case 'alreadyDecided':
    case 'duplicate': {
      // A replay, a Teams retry or the loser of a race: nothing new happens, but make sure an approved request
      // has its job (the winner may have crashed between the decision and the enqueue).
      if (approval.state === 'approved') await enqueueExecution(jobs, operations, approval);
      await refuse(ctx, caller, { reason: outcome.kind, verb, subject, correlationId: approval.id });
      return {
        reply: { text: REFUSAL_TEXT[outcome.kind], cards: [cardFor(approval, caller.userId, operations)] },
        replyCardKey: key,
        notifications: [],
      };
    }
    case 'expired': {
      await refuse(ctx, caller, { reason: 'expired', verb, subject, correlationId: approval.id });
      return {
        reply: { text: REFUSAL_TEXT.expired, cards: [finalCard(approval, {}, operations)] },
        replyCardKey: key,
        notifications: copiesOf(approval, { skipUserId: caller.userId }, operations),
      };
    }
    case 'approved':
    case 'partlyApproved':
    case 'rejected': {
      await ctx.store.audit.append({
        actor: caller.userId,
        action: outcome.kind === 'rejected' ? 'approval.rejected' : 'approval.approved',
        subject,
        outcome: 'success',
        correlationId: approval.id,
        details: {
          state: approval.state,
          approvals: approval.decisions.filter((d) => d.decision === 'approve').length,
          requiredApprovals: approval.requiredApprovals,
          comment: comment || null,
        },
      });
      if (outcome.kind === 'approved') await enqueueExecution(jobs, operations, approval);
      // An approved request's other copies are updated by its job (approvalJobs.ts), in order with its result.
      const notifications =
        outcome.kind === 'approved' ? [] : copiesOf(approval, { skipUserId: caller.userId }, operations);
      if (outcome.kind === 'rejected') {
        notifications.push({
          toUserId: approval.requesterId,
          reply: {
            text: `${byName} rejected your request to ${describeShort(approval, operations)}${comment ? `: “${comment}”` : '.'}`,
            cards: [],
          },
        });
      }
      return { reply: { cards: [cardFor(approval, caller.userId, operations)] }, replyCardKey: key, notifications };
    }
  }
}

/**
 * Why a click on an approver's button of `approval` must be refused (undefined: it may be counted): another tenant,
 * a card that does not match the request, the requester's own click, or someone who is not (or no longer) one of
 * its approvers. Shared by [Approve]/[Reject] and [Retry the switch].
 */
export async function approverRefusal(
  ctx: DomainContext,
  operations: OperationRegistry,
  caller: Caller,
  approval: Approval,
  hash: string,
): Promise<RefusalReason | undefined> {
  if (!ctx.access.sameTenant(caller) || caller.tenantId !== approval.tenantId) return 'otherTenant';
  if (hash !== approval.hash) return 'hashMismatch';
  if (caller.userId === approval.requesterId) return 'ownRequest';
  // Membership can change after the request was sent: an approver removed from the group no longer counts.
  if (
    !approval.approverIds.includes(caller.userId) ||
    !(await operations.of(approval.operation).mayApprove(ctx, caller, approval))
  ) {
    return 'notApprover';
  }
  return undefined;
}

export function describeShort(approval: Approval, operations: OperationRegistry): string {
  return operations.of(approval.operation).describeShort(approval.operation);
}
