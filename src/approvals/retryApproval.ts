/**
 * [Retry] on the card of a request that needs attention, for kinds that offer one (a rotation's [Retry the switch]:
 * some connections could not be switched to the new secret, both secrets were kept, and once the cause is fixed an
 * approver asks for the switch again here). Card data is untrusted, as for [Approve]: the approval is loaded by id
 * and the clicker checked server-side (same tenant, request unchanged, an approver of this request and still
 * entitled, not the requester). The kind's module puts its operation back where its job continues (`retry.reopen`),
 * the approval goes back to approved, and the kind's job runs it as after an approval: every copy of the card shows
 * "running…" and then the outcome.
 */
import type { Caller } from '../access/caller';
import type { DomainContext } from '../context';
import type { JobRunner } from '../jobs/jobRunner';
import type { OperationRegistry } from '../operations/registry';
import { cardFor, cardKeyOf } from './approvalCards';
import { isRetryable, subjectOf, type Approval } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import type { ExecutionPayload } from './approvalJobs';
import { approverRefusal, type ApprovalActionResult } from './decideApproval';
import { coverLateResponse } from './lateInvokeResponses';
import { refuse, type RefusalReason } from './refusals';

export const RETRY_VERB = 'approval.retry';

export async function retryApproval(
  ctx: DomainContext,
  jobs: JobRunner,
  operations: OperationRegistry,
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
      subject: approval ? subjectOf(approval.operation, operations) : 'unknown request',
      correlationId: approvalId || undefined,
    });
    return approval && reason === 'notRetryable'
      ? {
          reply: { ...reply, cards: [cardFor(approval, caller.userId, operations)] },
          replyCardKey: cardKeyOf(approval.id),
          notifications: [],
        }
      : { reply, notifications: [] };
  };

  const loaded = approvalId ? await repository.get(approvalId) : undefined;
  if (!loaded) return refused('unknownApproval');
  const refusal = await approverRefusal(ctx, operations, caller, loaded, hash);
  if (refusal) return refused(refusal, loaded);
  const kind = operations.of(loaded.operation);
  if (!isRetryable(loaded, operations) || !kind.retry) return refused('notRetryable', loaded);

  // The operation first: if it has moved on (another click won), the approval is left as it is.
  if (!(await kind.retry.reopen(ctx, loaded, caller.userId))) {
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
    subject: subjectOf(retried.operation, operations),
    outcome: 'success',
    correlationId: retried.id,
    details: { retry: retried.retries!.length },
  });
  await coverLateResponse(jobs, retried, caller.userId, now);
  // Each retry is a job of its own: the approval's first job id is spent.
  await jobs.enqueue<ExecutionPayload>(
    kind.job,
    { approvalId: retried.id },
    { id: `approval:${retried.id}:retry${retried.retries!.length}` },
  );
  return {
    reply: { cards: [cardFor(retried, caller.userId, operations)] },
    replyCardKey: cardKeyOf(retried.id),
    notifications: [],
  };
}
