/**
 * The jobs an approval starts: `share.execute` (share each connection, verify by reading permissions back) and
 * `rotation.run` (create the rotation saga for this approval and advance it; a waiting saga is resumed by a
 * delayed job). Both are idempotent: they act only on an approved or running approval, the operations are
 * idempotent themselves, and a crashed run is simply run again. When a job ends, every copy of the approval
 * card is updated and the requester is told the result (through ctx.notifier: queued in the persistent outbox,
 * which sends only the latest state of each copy, within Teams' limits).
 */
import type { Notification } from '../cards/reply';
import type { DomainContext } from '../context';
import type { JobContext, JobRunner } from '../jobs/jobRunner';
import { getLogger } from '../logging/logger';
import { ShareRefusedError } from '../operations/shareConnection';
import { isTenantApiError } from '../tenant/errors';
import { copiesOf } from './approvalCards';
import { subjectOf, type Approval, type ApprovalState } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import { describeShort } from './decideApproval';
import type { ApprovalOperations, RotationProgress } from './operationsPort';

const log = getLogger('approvals.jobs');

export interface ExecutionPayload {
  approvalId: string;
}

/** Errors that will not go away by retrying: end the request instead of trying 5 times. */
const isPermanent = (error: unknown): boolean =>
  error instanceof ShareRefusedError ||
  (isTenantApiError(error) && ['forbidden', 'notFound', 'badRequest'].includes(error.kind));

export function registerApprovalJobs(ctx: DomainContext, jobs: JobRunner, operations: ApprovalOperations): void {
  const repository = new ApprovalRepository(ctx.store.records);

  /**
   * approved → running; undefined when there is nothing (left) to do. The other copies of the card learn of the
   * decision here, not from the instance that took the click: sent from the job, "running" always goes out before
   * the job's final update, never after it.
   */
  async function begin(approvalId: string): Promise<Approval | undefined> {
    let started: Approval | undefined;
    const approval = await repository.update<Approval | undefined>(approvalId, (current) => {
      if (current.state === 'running') return { result: current };
      if (current.state !== 'approved') return { result: undefined };
      const next: Approval = { ...current, state: 'running', updatedAt: ctx.clock.now().toISOString() };
      started = next;
      return { write: next, result: next };
    });
    if (started) {
      // The approver who decided (or pressed [Retry] last) has the running view already: the answer to their click.
      const decider = started.retries?.at(-1)?.by ?? started.decisions[started.decisions.length - 1]?.by;
      await ctx.notifier.send(copiesOf(started, { skipUserId: decider }));
    }
    return approval;
  }

  async function finish(
    approvalId: string,
    state: ApprovalState,
    result: string,
    extra: Partial<Approval> = {},
  ): Promise<void> {
    const finished = await repository.update<Approval | undefined>(approvalId, (current) => {
      if (current.state !== 'running' && current.state !== 'approved') return { result: undefined };
      const next: Approval = { ...current, ...extra, state, result, updatedAt: ctx.clock.now().toISOString() };
      return { write: next, result: next };
    });
    if (!finished) return;
    await ctx.store.audit.append({
      actor: 'system',
      action: `approval.${state}`,
      subject: subjectOf(finished.operation),
      outcome: state === 'done' ? 'success' : 'failure',
      correlationId: finished.id,
      details: { result },
    });
    const notifications: Notification[] = copiesOf(finished);
    notifications.push({
      toUserId: finished.requesterId,
      reply: { text: `Your request to ${describeShort(finished)}: ${result}`, cards: [] },
    });
    await ctx.notifier.send(notifications);
  }

  async function giveUp(payload: ExecutionPayload, error: unknown, job: JobContext): Promise<void> {
    const code = isTenantApiError(error) ? error.code : 'an unexpected error';
    await finish(
      payload.approvalId,
      'failed',
      `It failed ${job.attempt} times (${code}); nothing more will be tried. An admin can look up reference ${payload.approvalId} in the audit log.`,
    );
  }

  jobs.register<ExecutionPayload>('share.execute', {
    run: async (payload) => {
      const approval = await begin(payload.approvalId);
      if (!approval || approval.operation.kind !== 'share') return;
      const op = approval.operation;
      const unverified: string[] = [];
      for (const connection of op.connections) {
        try {
          const { verified } = await operations.share(ctx, {
            environmentId: connection.environmentId,
            connector: connection.connector,
            connectionName: connection.connectionName,
            principalId: op.principalId,
            principalType: op.principalType,
            role: op.role,
            displayName: connection.displayName,
          });
          if (!verified) unverified.push(connection.displayName);
        } catch (error) {
          if (!isPermanent(error)) throw error;
          log.warn({ err: error, approvalId: approval.id }, 'share failed permanently');
          await finish(
            approval.id,
            'failed',
            error instanceof ShareRefusedError
              ? `${error.message} Nothing else was changed after that.`
              : `Sharing ${connection.displayName} was refused by Power Platform (${isTenantApiError(error) ? error.code : 'error'}). Nothing else was changed after that.`,
          );
          return;
        }
      }
      const names = op.connections.map((c) => c.displayName).join(', ');
      if (unverified.length) {
        await finish(
          approval.id,
          'needsAttention',
          `The share of ${unverified.join(', ')} was sent but could not be verified by reading the permissions back. An admin should check it.`,
        );
        return;
      }
      const role = op.role === 'CanEdit' ? 'Can edit' : 'Can use';
      const next = op.flow ? ` ${op.principalName} can now turn on ${op.flow.displayName}.` : '';
      await finish(approval.id, 'done', `Shared ${names} with ${op.principalName} (${role}).${next}`);
    },
    onGiveUp: giveUp,
  });

  jobs.register<ExecutionPayload & { rotationId?: string }>('rotation.run', {
    run: async (payload) => {
      const stored = await repository.get(payload.approvalId);
      if (!stored || stored.operation.kind !== 'rotation') return;
      // A finished approval whose saga still waits (old secret removal after the grace period) is followed up.
      if (payload.rotationId && stored.state === 'done') {
        const progress = await operations.advanceRotation(ctx, payload.rotationId);
        await followUp(stored, progress);
        return;
      }
      const approval = await begin(payload.approvalId);
      if (!approval || approval.operation.kind !== 'rotation') return;
      const rotationId =
        approval.rotationId ??
        (
          await operations.createRotation(ctx, {
            appObjectId: approval.operation.appObjectId,
            requestedBy: approval.requesterId,
            approvalId: approval.id,
          })
        ).id;
      if (!approval.rotationId) {
        await repository.update(approval.id, (current) =>
          current.rotationId ? { result: undefined } : { write: { ...current, rotationId }, result: undefined },
        );
      }
      const progress = await operations.advanceRotation(ctx, rotationId);
      switch (progress.state) {
        case 'done':
          await finish(approval.id, 'done', progress.summary, { rotationId });
          return;
        case 'waiting':
          await finish(approval.id, 'done', progress.summary, { rotationId });
          await followUp({ ...approval, rotationId }, progress);
          return;
        case 'failed':
        case 'needsAttention':
          await finish(approval.id, progress.state, progress.summary, { rotationId });
          return;
        case 'running':
          // Another worker holds the saga right now: try again shortly (the queue redelivers a failed job).
          throw new Error('The rotation is being advanced by another worker; retrying.');
      }
    },
    onGiveUp: giveUp,
  });

  async function followUp(approval: Approval, progress: RotationProgress): Promise<void> {
    if (progress.state !== 'waiting' || !approval.rotationId) {
      if (progress.state !== 'done') log.warn({ approvalId: approval.id, state: progress.state }, 'rotation follow-up');
      return;
    }
    const notBefore = progress.notBefore ? Date.parse(progress.notBefore) : ctx.clock.now().getTime();
    const delayMs = Math.max(0, notBefore - ctx.clock.now().getTime());
    await jobs.enqueue(
      'rotation.run',
      { approvalId: approval.id, rotationId: approval.rotationId },
      { delayMs, id: `rotation:${approval.rotationId}:${progress.notBefore ?? 'now'}` },
    );
  }
}
