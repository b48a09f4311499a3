/**
 * How long a tenant call may wait when Dataverse asks for more time (429 + Retry-After) than the HTTP layer's retry
 * budget allows. A turn has a person waiting: it fails at once with the service's wait on the error, and the
 * person is told when to try again. A background job (a scan, a share or rotation job) has nobody waiting: it
 * waits the service's time out, up to the bound given here. Carried through the async call chain, so the ports
 * need no extra parameter.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const patience = new AsyncLocalStorage<number>();

/** Longest wait a job accepts for one request (Dataverse asks for up to 5 minutes after its 300 s window). */
export const JOB_PATIENCE_MS = 6 * 60 * 1000;

/** Runs `work` with calls that wait out a Retry-After of up to `maxWaitMs`. */
export function withPatience<T>(maxWaitMs: number, work: () => Promise<T>): Promise<T> {
  return patience.run(maxWaitMs, work);
}

/** The wait the current call chain accepts beyond the retry budget (0 in a turn). */
export function currentPatienceMs(): number {
  return patience.getStore() ?? 0;
}
