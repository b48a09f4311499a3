/**
 * A handover that needs attention is not a dead end: once the cause is fixed (a target connection repaired or
 * shared with the bot, the service starting flows again), an approver presses [Retry the handover]. Reopening
 * clears what was refused — owner changes of flows and apps, binds, refused roll-backs, flows off or left as they were — so that
 * runHandover runs those steps again as the first time, with the same pre-flights, records and audit. A flow on
 * that uses a reference bound only now is turned off and on again, so that it takes it.
 */
import type { DomainContext } from '../../context';
import { VersionConflictError } from '../../store/ports';
import type { HandoverOperation } from './handoverPlan';
import { HANDOVERS, type FlowProgress, type HandoverRecord, type ReferenceProgress } from './handoverRun';

const REOPENED_RESTARTS: readonly FlowProgress['restart'][] = ['refused', 'leftOn', 'restored'];

/** Returns the reopened record, or undefined when it is not (or no longer) finished. */
export async function reopenHandover(
  ctx: DomainContext,
  id: string,
  plan: HandoverOperation,
  by: string,
): Promise<HandoverRecord | undefined> {
  for (;;) {
    const stored = await ctx.store.records.get<HandoverRecord>(HANDOVERS, id);
    const record = stored?.value;
    if (!stored || !record?.finished) return undefined;
    const rebinding = new Set(
      Object.entries(record.references)
        .filter(([, r]) => r.bind === 'refused')
        .map(([referenceId]) => referenceId),
    );
    const references: Record<string, ReferenceProgress> = Object.fromEntries(
      Object.entries(record.references).map(([referenceId, r]) => [
        referenceId,
        r.bind === 'refused' ? {} : { ...r, rollBackRefused: undefined },
      ]),
    );
    const takesRebound = (flowId: string) =>
      plan.references.some((r) => rebinding.has(r.referenceId) && r.flowIds.includes(flowId));
    const flows: Record<string, FlowProgress> = Object.fromEntries(
      Object.entries(record.flows).map(([flowId, f]) => [
        flowId,
        {
          ...f,
          ...(f.owner === 'refused' ? { owner: undefined } : {}),
          ...(f.wasOn && (REOPENED_RESTARTS.includes(f.restart) || (f.restart && takesRebound(flowId)))
            ? { restart: undefined, problem: undefined }
            : {}),
        },
      ]),
    );
    // An app whose owner change was refused is tried again (it reads the app first, as the first time).
    const apps = Object.fromEntries(
      Object.entries(record.apps ?? {}).map(([appId, a]) => [appId, a.owner === 'refused' ? {} : a]),
    );
    const next: HandoverRecord = {
      ...record,
      references,
      flows,
      apps,
      finished: false,
      gaveUp: false,
      updatedAt: ctx.clock.now().toISOString(),
    };
    try {
      await ctx.store.records.put(HANDOVERS, id, next, { ifVersion: stored.version });
    } catch (error) {
      if (error instanceof VersionConflictError) continue; // someone else changed it: look again
      throw error;
    }
    await ctx.store.audit.append({
      actor: by,
      action: 'handover.reopened',
      subject: plan.fromName,
      outcome: 'info',
      correlationId: id,
      details: { from: plan.fromName, to: plan.toName },
    });
    return next;
  }
}
