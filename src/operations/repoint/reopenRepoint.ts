/**
 * A re-point that needs attention is not a dead end: once the cause is fixed (the target connection repaired, the
 * previous connection shared with the bot, the service starting flows again), an approver presses [Retry the
 * re-point]. Reopening puts back to pending what can be tried again — each flow that is off or was left as it was,
 * each reference whose bind was refused, each roll-back that was refused — and the saga where its job continues;
 * advanceRepoint then runs those steps as the first time, with the same pre-flights, records and audit. A flow on
 * that uses a reference bound only now is turned off and on again, so that it takes it.
 */
import type { DomainContext } from '../../context';
import { VersionConflictError } from '../../store/ports';
import { loadSaga, REPOINTS, type RepointSaga, type SagaFlow } from './repointSaga';

const REOPENED_FLOWS: readonly SagaFlow['outcome'][] = ['failed', 'leftOn', 'restored'];

/** Returns the reopened saga, or undefined when it does not (or no longer) need attention. */
export async function reopenRepoint(ctx: DomainContext, sagaId: string, by: string): Promise<RepointSaga | undefined> {
  for (;;) {
    const stored = await loadSaga(ctx.store.records, sagaId);
    const saga = stored?.value;
    if (!stored || !saga || saga.state !== 'needsAttention') return undefined;
    const rebinding = new Set(saga.references.filter((r) => r.outcome === 'failed').map((r) => r.logicalName));
    const references = saga.references.map((r) =>
      r.outcome === 'failed'
        ? { ...r, outcome: 'pending' as const, error: undefined }
        : { ...r, rollBackRefused: undefined },
    );
    const flows = saga.flows.map((f) =>
      f.wasOn &&
      (REOPENED_FLOWS.includes(f.outcome) ||
        (f.outcome !== 'pending' && f.referenceLogicalNames.some((n) => rebinding.has(n))))
        ? { ...f, outcome: 'pending' as const, error: undefined }
        : f,
    );
    const next: RepointSaga = {
      ...saga,
      references,
      flows,
      state: references.some((r) => r.outcome === 'pending') ? 'binding' : 'restarting',
      finishedAt: undefined,
      updatedAt: ctx.clock.now().toISOString(),
    };
    try {
      await ctx.store.records.put(REPOINTS, sagaId, next, { ifVersion: stored.version });
    } catch (error) {
      if (error instanceof VersionConflictError) continue; // someone else changed it: look again
      throw error;
    }
    await ctx.store.audit.append({
      actor: by,
      action: 'repoint.reopened',
      subject: saga.solutionName,
      outcome: 'info',
      correlationId: saga.approvalId,
      details: {
        environmentId: saga.environmentId,
        references: references.filter((r) => r.outcome === 'pending').length,
        flows: flows.filter((f) => f.outcome === 'pending').length,
      },
    });
    return next;
  }
}
