/**
 * [Retry the switch] on the card of a rotation that needs attention: some connections could not be switched to the
 * new secret, both secrets were kept, and once the cause is fixed an approver asks for the switch again here. Card
 * data is untrusted, as for [Approve]: the approval is loaded by id and the clicker checked server-side (same
 * tenant, request unchanged, an approver of this request and still entitled, not the requester). The saga is put
 * back on its connection step (reopenRotation), the approval goes back to approved, and the rotation job runs it
 * as after an approval: every copy of the card shows "running…" and then the outcome.
 */
import type { Caller } from '../access/caller';
import type { DomainContext } from '../context';
import type { JobRunner } from '../jobs/jobRunner';
import { cardFor, cardKeyOf } from './approvalCards';
import { isRetryable, subjectOf, type Approval } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import { approverRefusal, type ApprovalActionResult } from './decideApproval';
import { coverLateResponse } from './lateInvokeResponses';
import type { ApprovalOperations } from './operationsPort';
import { refuse, type RefusalReason } from './refusals';

export const RETRY_VERB = 'approval.retry';

export async function retryApproval(
  ctx: DomainContext,
  jobs: JobRunner,
  operations: ApprovalOperations,
  caller: Caller,
  data: Record<string, unknown>,
): Promise<ApprovalActionResult> {
  const approvalId = typeof data.approvalId === 'string' ? data.approvalId : '';
  const hash = typeof data.hash === 'string' ? data.hash : '';
  const repository = new ApprovalRepository(ctx.store.records);
  const refused = async (reason: RefusalReason, approval?: Approval): Promise<ApprovalActionResult> => {
    const reply = await refuse(ctx, caller, {
      reason,
      verb: RETRY_VERB,
      subject: approval ? subjectOf(approval.operation) : 'unknown request',
      correlationId: approvalId || undefined,
    });
    return approval && reason === 'notRetryable'
      ? {
          reply: { ...reply, cards: [cardFor(approval, caller.userId)] },
          replyCardKey: cardKeyOf(approval.id),
          notifications: [],
        }
      : { reply, notifications: [] };
  };

  const loaded = approvalId ? await repository.get(approvalId) : undefined;
  if (!loaded) return refused('unknownApproval');
  const refusal = await approverRefusal(ctx, caller, loaded, hash);
  if (refusal) return refused(refusal, loaded);
  if (!isRetryable(loaded)) return refused('notRetryable', loaded);

  // The saga first: if it has moved on (another click won), the approval is left as it is.
  if (!(await operations.reopenRotation(ctx, loaded.rotationId!, caller.userId))) {
    return refused('notRetryable', (await repository.get(approvalId)) ?? loaded);
  }
  const now = ctx.clock.now();
  const byName = caller.displayName ?? loaded.approverNames[caller.userId] ?? caller.userId;
  const retried = await repository.update<Approval | undefined>(approvalId, (current) => {
    if (current.state !== 'needsAttention') return { result: undefined };
    const retries = [...(current.retries ?? []), { by: caller.userId, byName, at: now.toISOString() }];
    const next: Approval = { ...current, state: 'approved', retries, result: undefined, updatedAt: now.toISOString() };
    return { write: next, result: next };
  });
  if (!retried) return refused('notRetryable', (await repository.get(approvalId)) ?? loaded);

  await ctx.store.audit.append({
    actor: caller.userId,
    action: 'approval.retried',
    subject: subjectOf(retried.operation),
    outcome: 'success',
    correlationId: retried.id,
    details: { retry: retried.retries!.length },
  });
  await coverLateResponse(jobs, retried, caller.userId, now);
  // Each retry is a job of its own: the approval's first job id is spent.
  await jobs.enqueue(
    'rotation.run',
    { approvalId: retried.id },
    { id: `approval:${retried.id}:retry${retried.retries!.length}` },
  );
  return {
    reply: { cards: [cardFor(retried, caller.userId)] },
    replyCardKey: cardKeyOf(retried.id),
    notifications: [],
  };
}
