/**
 * A handover's record as the step list its approval cards show (operationSteps.ts): one step per flow to hand
 * over, per canvas app to give a new owner, per reference to re-point, and per flow to turn off and on. Derived from the plan and the record alone, so
 * a run taken over after a crash reports the same list from the recorded step on; `retryingSince` marks the step
 * the job tries again after a passing failure.
 */
import type { OperationStep } from '../operationSteps';
import type { HandoverOperation } from './handoverPlan';
import type { HandoverRecord } from './handoverRun';

export interface HandoverStepsOptions {
  /** The job failed in passing (5xx, 429 past its budget) and is delivered again: since when it waits. */
  retryingSince?: string;
}

export function handoverSteps(
  plan: HandoverOperation,
  record: HandoverRecord,
  options: HandoverStepsOptions = {},
): OperationStep[] {
  const flow = (id: string) => record.flows[id] ?? {};
  const reference = (id: string) => record.references[id] ?? {};
  const steps: OperationStep[] = [];
  for (const f of plan.flows.filter((x) => x.ownership !== 'none')) {
    const owner = flow(f.flowId).owner;
    steps.push({
      title: `Make ${plan.toName} ${f.ownership === 'coOwner' ? 'co-owner' : 'owner'} of ${f.displayName}`,
      state: owner === 'done' ? 'done' : owner === 'refused' ? 'failed' : 'pending',
      ...(owner === 'refused' ? { detail: flow(f.flowId).problem ?? 'refused' } : {}),
    });
  }
  for (const a of plan.apps ?? []) {
    const progress = record.apps?.[a.appId] ?? {};
    steps.push({
      title: `Make ${plan.toName} owner of the app ${a.displayName}`,
      state: progress.owner === 'done' ? 'done' : progress.owner === 'refused' ? 'failed' : 'pending',
      ...(progress.owner === 'refused' ? { detail: progress.problem ?? 'refused' } : {}),
    });
  }
  for (const r of plan.references.filter((x) => x.to)) {
    const progress = reference(r.referenceId);
    const previous = r.from.displayName || r.from.connectionName;
    const title = `Bind "${r.displayName}" to ${r.to?.displayName}`;
    if (progress.bind === 'done') {
      steps.push({
        title,
        state: 'done',
        ...(progress.rollBackRefused ? { detail: `could not be put back: ${progress.rollBackRefused}` } : {}),
      });
    } else if (progress.bind === 'refused')
      steps.push({ title, state: 'failed', detail: progress.problem ?? 'refused' });
    else if (progress.bind === 'rollingBack')
      steps.push({ title, state: 'running', detail: `putting it back on ${previous}` });
    else if (progress.bind === 'rolledBack') steps.push({ title, state: 'failed', detail: `put back on ${previous}` });
    else steps.push({ title, state: 'pending' });
  }
  const rebound = new Set(plan.references.filter((r) => r.to).flatMap((r) => r.flowIds));
  for (const f of plan.flows.filter((x) => rebound.has(x.flowId))) {
    const progress = flow(f.flowId);
    const title = `Turn ${f.displayName} off and on`;
    if (progress.wasOn === false) steps.push({ title: `${f.displayName} was off: it stays off`, state: 'done' });
    else if (progress.restart === 'done') steps.push({ title, state: 'done' });
    else if (progress.restart === 'rolledBack') {
      steps.push({
        title,
        state: 'failed',
        detail: `refused on the new connections (${progress.problem ?? 'refused'}): on again with ${plan.fromName}'s`,
      });
    } else if (progress.restart === 'restored') {
      steps.push({ title, state: 'failed', detail: 'turned back on after the job gave up' });
    } else if (progress.restart === 'leftOn') {
      steps.push({
        title,
        state: 'failed',
        detail: `still on, with the connections it started with: ${progress.problem ?? 'refused'}`,
      });
    } else if (progress.restart === 'refused') {
      steps.push({ title, state: 'failed', detail: `it is OFF: ${progress.problem ?? 'refused'}` });
    } else steps.push({ title, state: 'pending' });
  }
  // The run goes through its steps in this order (a roll-back before the flows): the first not started runs.
  const rolling = steps.find((s) => s.state === 'running');
  const next = rolling ?? (record.finished ? undefined : steps.find((s) => s.state === 'pending'));
  if (next) {
    next.state = 'running';
    if (options.retryingSince) {
      Object.assign(next, {
        state: 'waiting',
        waitingFor: `the service to answer again (${next.title.charAt(0).toLowerCase()}${next.title.slice(1)}): the job tries again shortly`,
        since: options.retryingSince,
      });
    }
  }
  return steps;
}
