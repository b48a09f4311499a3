/**
 * Teams shows an invoke response when it arrives, and it may arrive up to 15 s after the click (later ones are
 * dropped). A response carrying a view that is not final yet — "Approved — running…", or the current state given
 * to a duplicate click on another instance — can therefore land after the job's final card update and hide it for
 * good. So every click answered with a non-final view books one more update of the clicker's copy for click + 15 s:
 * if the approval is final by then, that update is the last word; if it is not, the job's own final update comes
 * later than any response anyway.
 */
import type { DomainContext } from '../context';
import type { JobRunner } from '../jobs/jobRunner';
import type { OperationRegistry } from '../operations/registry';
import { cardFor, cardKeyOf } from './approvalCards';
import { isFinal, type Approval } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';

/** How long Teams waits for an invoke response (api-contracts: answer within 15 s). */
export const INVOKE_RESPONSE_WINDOW_MS = 15_000;
const JOB = 'approval.lateView';

interface LateViewPayload {
  approvalId: string;
  userId: string;
}

/** After a click answered with `approval` as it stands: book the follow-up update unless that view is final. */
export async function coverLateResponse(
  jobs: JobRunner,
  approval: Approval,
  userId: string,
  clickedAt: Date,
): Promise<void> {
  if (isFinal(approval.state)) return;
  // One per person and second: simultaneous duplicate clicks on several instances book it once.
  const second = Math.floor(clickedAt.getTime() / 1000);
  await jobs.enqueue<LateViewPayload>(
    JOB,
    { approvalId: approval.id, userId },
    { delayMs: INVOKE_RESPONSE_WINDOW_MS, id: `approval:${approval.id}:lateView:${userId}:${second}` },
  );
}

export function registerLateViewJob(ctx: DomainContext, jobs: JobRunner, operations: OperationRegistry): void {
  const repository = new ApprovalRepository(ctx.store.records);
  jobs.register<LateViewPayload>(JOB, async ({ approvalId, userId }) => {
    const approval = await repository.get(approvalId);
    // Not final yet: the job that finishes it updates every copy, after any response to this click.
    if (!approval || !isFinal(approval.state)) return;
    await ctx.notifier.send([
      { toUserId: userId, cardKey: cardKeyOf(approval.id), reply: { cards: [cardFor(approval, userId, operations)] } },
    ]);
  });
}
