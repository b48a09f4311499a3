/**
 * The re-point saga's record as the step list its approval cards show (operationSteps.ts): one step per reference
 * and one per flow. Derived from the record alone, so a run taken over after a crash reports the same list from
 * the recorded step on; `retrying` marks the step the job will try again after a passing failure.
 */
import type { OperationStep } from '../operationSteps';
import type { RepointSaga, SagaFlow, SagaReference } from './repointSaga';

export interface RepointStepsOptions {
  /** The job failed in passing (5xx, 429 past its budget) and is delivered again: since when it waits. */
  retryingSince?: string;
}

function referenceStep(saga: RepointSaga, r: SagaReference, current: boolean): OperationStep {
  const title = `Bind ${r.displayName} to ${r.toName}`;
  switch (r.outcome) {
    case 'bound':
      return { title, state: 'done' };
    case 'failed':
      return { title, state: 'failed', detail: r.error ?? 'refused' };
    case 'rollingBack':
      return { title, state: 'running', detail: `putting it back on ${r.previousName ?? 'its previous connection'}` };
    case 'rolledBack':
      return { title, state: 'failed', detail: `put back on ${r.previousName ?? 'its previous connection'}` };
    default:
      return { title, state: current && saga.state === 'binding' ? 'running' : 'pending' };
  }
}

function flowStep(saga: RepointSaga, f: SagaFlow, current: boolean): OperationStep {
  const title = `Turn ${f.displayName} off and on`;
  switch (f.outcome) {
    case 'restarted':
    case 'unchanged':
      return { title, state: 'done' };
    case 'leftOff':
      return { title: `${f.displayName} was off: it stays off`, state: 'done' };
    case 'rolledBack':
      return {
        title,
        state: 'failed',
        detail: `refused on the new connections (${f.error ?? 'refused'}): on again with the previous ones`,
      };
    case 'restored':
      return { title, state: 'failed', detail: 'turned back on after the job gave up' };
    case 'leftOn':
      return {
        title,
        state: 'failed',
        detail: `still on, with the connections it started with: ${f.error ?? 'refused'}`,
      };
    case 'failed':
      return { title, state: 'failed', detail: `it is OFF: ${f.error ?? 'refused'}` };
    default:
      return { title, state: current ? 'running' : 'pending' };
  }
}

export function repointSteps(saga: RepointSaga, options: RepointStepsOptions = {}): OperationStep[] {
  const rollingBack = saga.references.some((r) => r.outcome === 'rollingBack');
  const nextReference = saga.references.findIndex((r) => r.outcome === 'pending');
  // Flows go once no reference is left to bind (the saga records 'restarting' a moment later).
  const flowsGo = (saga.state === 'binding' && nextReference < 0) || saga.state === 'restarting';
  const nextFlow = rollingBack || !flowsGo ? -1 : saga.flows.findIndex((f) => f.outcome === 'pending');
  const steps: OperationStep[] = [
    { title: 'Note which flows are on', state: saga.state === 'created' ? 'running' : 'done' },
    ...saga.references.map((r, i) => referenceStep(saga, r, i === nextReference)),
    ...saga.flows.map((f, i) => flowStep(saga, f, i === nextFlow)),
  ];
  if (options.retryingSince) {
    const running = steps.find((s) => s.state === 'running');
    if (running) {
      Object.assign(running, {
        state: 'waiting',
        waitingFor: `the service to answer again (${running.title.charAt(0).toLowerCase()}${running.title.slice(1)}): the job tries again shortly`,
        since: options.retryingSince,
      });
    }
  }
  return steps;
}
