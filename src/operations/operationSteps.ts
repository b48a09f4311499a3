/**
 * A running operation's steps, as its cards show them: a short list where each step is done ✓, running, waiting
 * (for what, how long so far, how long it usually takes), not started yet, or failed. A module reports the whole
 * list each time (RunControls.steps), derived from its own saga record, so that a run taken over after a crash
 * reports the same list from the recorded step on. Plain words only, never a secret.
 */

export type OperationStepState = 'done' | 'running' | 'waiting' | 'pending' | 'failed';

export interface OperationStep {
  /** Plain words, e.g. "Create a new client secret". */
  title: string;
  state: OperationStepState;
  /** What a waiting step waits for, completing "Waiting for …": e.g. "Entra to accept the new secret". */
  waitingFor?: string;
  /** When the step started to run or wait (ISO, from the injected clock): the card says how long so far. */
  since?: string;
  /** How long this usually takes, or how long the operation will wait at most, in words: "usually under 2 min". */
  usually?: string;
  /** Where a running step stands, e.g. "2 of 5 connections". */
  detail?: string;
}

const MARKS: Record<OperationStepState, string> = {
  done: '✓',
  running: '▶',
  waiting: '⏳',
  pending: '○',
  failed: '✗',
};

/** "40 s", "3 min", "1 h 5 min": how long, at the precision a person reads. */
export function elapsedWords(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}

/**
 * One step as a card line at `now` (the time of the report, so the card says what was true when it was sent):
 * "✓ Create a new client secret", "⏳ Waiting for Entra to accept the new secret — 40 s so far, usually under 2 min".
 */
export function stepLine(step: OperationStep, now: Date): string {
  const so = step.since ? elapsedWords(now.getTime() - Date.parse(step.since)) : undefined;
  if (step.state === 'waiting') {
    const parts = [so ? `${so} so far` : undefined, step.usually].filter(Boolean);
    return `${MARKS.waiting} Waiting for ${step.waitingFor ?? step.title}${parts.length ? ` — ${parts.join(', ')}` : ''}`;
  }
  const detail = (step.state === 'running' || step.state === 'failed') && step.detail ? ` — ${step.detail}` : '';
  return `${MARKS[step.state]} ${step.title}${detail}`;
}
