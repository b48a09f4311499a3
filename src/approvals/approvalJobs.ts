/**
 * The job that runs an approved request: one handler, registered under each operation kind's job type, that moves
 * the approval to running, lets the kind's module run it (src/operations/<kind>/definition.ts), and records what
 * the module returned. Idempotent: it acts only on an approved or running approval, the modules are idempotent
 * themselves, and a crashed run is simply run again. A finished request whose module booked a follow-up (the old
 * secret's removal after the grace period) is followed up by the same job type.
 *
 * Only this layer tells people: when a run ends, every copy of the approval card is updated, the requester gets one
 * message with the result, and the admins one more when the outcome asks for it (through ctx.notifier: queued in
 * the persistent outbox, which sends only the latest state of each copy, within Teams' limits).
 */
import type { Notification } from '../cards/reply';
import type { DomainContext } from '../context';
import { isHeldByAnotherWorker } from '../jobs/heldByAnotherWorker';
import type { JobContext, JobRunner } from '../jobs/jobRunner';
import { getLogger } from '../logging/logger';
import type { OperationKind, OperationOutcome, OperationStep } from '../operations/operationKind';
import type { OperationRegistry } from '../operations/registry';
import { isTenantApiError } from '../tenant/errors';
import { copiesOf } from './approvalCards';
import { subjectOf, type Approval } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import { describeShort } from './decideApproval';

const log = getLogger('approvals.jobs');

export interface ExecutionPayload {
  approvalId: string;
}

export function registerApprovalJobs(ctx: DomainContext, jobs: JobRunner, operations: OperationRegistry): void {
  const execution = new ApprovalExecution(ctx, jobs, operations);
  for (const kind of operations.all()) {
    jobs.register<ExecutionPayload>(kind.job, {
      run: (payload, job) => execution.run(kind, payload.approvalId, job.lastAttempt),
      onGiveUp: (payload, error, job) => execution.giveUp(payload.approvalId, error, job),
      recoverAbandoned: (payload, job) => execution.recover(kind, payload.approvalId, job),
    });
  }
}

class ApprovalExecution {
  private readonly repository: ApprovalRepository;

  constructor(
    private readonly ctx: DomainContext,
    private readonly jobs: JobRunner,
    private readonly operations: OperationRegistry,
  ) {
    this.repository = new ApprovalRepository(ctx.store.records);
  }

  async run(kind: OperationKind, approvalId: string, lastDelivery = false): Promise<void> {
    const stored = await this.repository.get(approvalId);
    if (!stored || stored.operation.kind !== kind.kind) return;
    if (stored.state === 'done' && kind.followUp) {
      const { followUpAt } = await kind.followUp(this.ctx, stored);
      await this.bookFollowUp(kind, stored, followUpAt);
      return;
    }
    const approval = await this.begin(approvalId);
    if (!approval) return;
    const outcome = await kind.run(this.ctx, approval, {
      progress: (text) => this.report(approvalId, { progress: text }),
      steps: (steps) => this.report(approvalId, { steps: [...steps] }),
      lastDelivery,
    });
    const finished = await this.finish(approvalId, outcome);
    if (finished) await this.bookFollowUp(kind, finished, outcome.followUpAt);
  }

  /**
   * The job's last delivery was abandoned (its process died: the job sits on the queue's poison list), so neither
   * the kind's own last-delivery handling (a re-point turns back on what it turned off) nor giveUp ran. Runs it
   * once more as its last delivery; a failure then is the final one, as on a last delivery. Nothing to do once the
   * request has finished; a run another worker holds right now is left to it (the next pass looks again).
   */
  async recover(kind: OperationKind, approvalId: string, job: JobContext): Promise<void> {
    const stored = await this.repository.get(approvalId);
    if (!stored || stored.operation.kind !== kind.kind) return;
    if (stored.state !== 'running' && stored.state !== 'approved') return;
    await this.ctx.store.audit.append({
      actor: 'system',
      action: 'job.recovered',
      subject: kind.job,
      outcome: 'info',
      correlationId: approvalId,
      details: { attempt: job.attempt },
    });
    try {
      await this.run(kind, approvalId, true);
    } catch (error) {
      if (isHeldByAnotherWorker(error)) return;
      await this.giveUp(approvalId, error, job);
    }
  }

  async giveUp(approvalId: string, error: unknown, job: JobContext): Promise<void> {
    const code = isTenantApiError(error) ? error.code : 'an unexpected error';
    log.warn({ err: error, approvalId }, 'approval job given up');
    await this.finish(
      approvalId,
      {
        state: 'failed',
        result: `It failed ${job.attempt} times (${code}); nothing more will be tried. An admin can look up reference ${approvalId} in the audit log.`,
      },
      // The last step list reported may still say a step runs or waits for the next try: there is none.
      (steps) =>
        steps.map((step) =>
          step.state === 'running' || step.state === 'waiting'
            ? { title: step.title, state: 'failed', detail: 'not finished: the job gave up' }
            : step,
        ),
    );
  }

  /**
   * approved → running; undefined when there is nothing (left) to do. The other copies of the card learn of the
   * decision here, not from the instance that took the click: sent from the job, "running" always goes out before
   * the job's final update, never after it.
   */
  private async begin(approvalId: string): Promise<Approval | undefined> {
    let started: Approval | undefined;
    const approval = await this.repository.update<Approval | undefined>(approvalId, (current) => {
      if (current.state === 'running') return { result: current };
      if (current.state !== 'approved') return { result: undefined };
      const now = this.ctx.clock.now().toISOString();
      // "running…" is this card's update too: the first step list waits its turn after it (report()).
      const next: Approval = { ...current, state: 'running', progressSentAt: now, updatedAt: now };
      started = next;
      return { write: next, result: next };
    });
    if (started) {
      // The approver who decided (or pressed [Retry] last) has the running view already: the answer to their click.
      const decider = started.retries?.at(-1)?.by ?? started.decisions[started.decisions.length - 1]?.by;
      await this.ctx.notifier.send(copiesOf(started, { skipUserId: decider }, this.operations));
    }
    return approval;
  }

  /**
   * A running request's progress line or step list: recorded at once (a run taken over after a crash, and the
   * final card, start from it), and shown on every copy of the card at most once per PROGRESS_CARD_SECONDS per
   * request, counted on the injected clock from the last update queued (kept on the record, so a takeover keeps
   * the pace). A report inside the interval is shown by the next one or replaced by the final card; the outbox
   * also keeps only the newest pending version of each copy. A failed report is logged, never fails the run.
   */
  private async report(approvalId: string, change: { progress?: string; steps?: OperationStep[] }): Promise<void> {
    const now = this.ctx.clock.now();
    const intervalMs = this.ctx.config.PROGRESS_CARD_SECONDS * 1000;
    let send = false;
    try {
      const updated = await this.repository.update<Approval | undefined>(approvalId, (current) => {
        if (current.state !== 'running' || unchanged(current, change)) return { result: undefined };
        const lastSent = current.progressSentAt ? Date.parse(current.progressSentAt) : Number.NEGATIVE_INFINITY;
        send = now.getTime() - lastSent >= intervalMs;
        const next: Approval = {
          ...current,
          ...change,
          progressAt: now.toISOString(),
          ...(send ? { progressSentAt: now.toISOString() } : {}),
          updatedAt: now.toISOString(),
        };
        return { write: next, result: next };
      });
      if (updated && send) await this.ctx.notifier.send(copiesOf(updated, {}, this.operations));
    } catch (error) {
      log.warn({ err: error, approvalId }, 'could not record the progress of a running request');
    }
  }

  /** Records the outcome and tells everyone once; undefined when the approval was not running (already finished). */
  private async finish(
    approvalId: string,
    outcome: OperationOutcome,
    finalSteps?: (steps: OperationStep[]) => OperationStep[],
  ): Promise<Approval | undefined> {
    const { state, result } = outcome;
    const finished = await this.repository.update<Approval | undefined>(approvalId, (current) => {
      if (current.state !== 'running' && current.state !== 'approved') return { result: undefined };
      const next: Approval = {
        ...current,
        state,
        result,
        progress: undefined,
        ...(finalSteps && current.steps ? { steps: finalSteps(current.steps) } : {}),
        updatedAt: this.ctx.clock.now().toISOString(),
      };
      return { write: next, result: next };
    });
    if (!finished) return undefined;
    await this.ctx.store.audit.append({
      actor: 'system',
      action: `approval.${state}`,
      subject: subjectOf(finished.operation, this.operations),
      outcome: state === 'done' ? 'success' : 'failure',
      correlationId: finished.id,
      details: { result },
    });
    const what = describeShort(finished, this.operations);
    const notifications: Notification[] = copiesOf(finished, {}, this.operations);
    notifications.push({
      toUserId: finished.requesterId,
      reply: { text: `Your request to ${what}: ${result}`, cards: [] },
    });
    if (outcome.tellAdmins) {
      // The outcome is recorded and the requester and approvers are told even when the admins cannot be listed now.
      const adminIds = await this.ctx.access.adminIds().catch((error: unknown) => {
        log.warn({ err: error, approvalId }, 'could not list the admins to tell them');
        return [];
      });
      for (const adminId of adminIds) {
        if (adminId === finished.requesterId) continue;
        notifications.push({
          toUserId: adminId,
          reply: { text: `${finished.requesterName}'s request to ${what}: ${result}`, cards: [] },
        });
      }
    }
    await this.ctx.notifier.send(notifications);
    return finished;
  }

  private async bookFollowUp(kind: OperationKind, approval: Approval, at: string | undefined): Promise<void> {
    if (!at) return;
    const delayMs = Math.max(0, Date.parse(at) - this.ctx.clock.now().getTime());
    // One job per approval and time: a replayed run books the same follow-up once.
    await this.jobs.enqueue<ExecutionPayload>(
      kind.job,
      { approvalId: approval.id },
      { delayMs, id: `approval:${approval.id}:followUp:${at}` },
    );
  }
}

/** Nothing new to show: the same line and the same steps (a waiting step is new on every report: its time grows). */
function unchanged(current: Approval, change: { progress?: string; steps?: OperationStep[] }): boolean {
  if (change.progress !== undefined && change.progress !== current.progress) return false;
  if (change.steps === undefined) return true;
  if (change.steps.some((step) => step.state === 'waiting')) return false;
  return JSON.stringify(change.steps) === JSON.stringify(current.steps ?? []);
}
