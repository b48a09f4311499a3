/**
 * Cancels the model call when the turn gives up on it. teams-ai's OpenAIModel calls the OpenAI client without
 * request options, so a turn cannot hand it an AbortSignal directly; instead the turn runs the planner inside
 * withTurnSignal(), and the fetch the client is built with (turnAwareFetch) joins that signal to each request.
 * Once the turn's budget is spent the request is aborted, its socket closed, and nothing is retried.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const turnSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` so that every model request it makes is aborted when `signal` aborts. */
export function withTurnSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return turnSignal.run(signal, work);
}

type FetchArgs = Parameters<typeof fetch>;

/**
 * Node's fetch with the current turn's signal joined to the client's own (its timeout). A request started after
 * the turn gave up (a retry) fails at once instead of going out.
 */
export async function turnAwareFetch(input: FetchArgs[0], init: FetchArgs[1] = {}): Promise<Response> {
  const turn = turnSignal.getStore();
  const signals = [init.signal, turn].filter((s): s is AbortSignal => s instanceof AbortSignal);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  signal?.throwIfAborted();
  return fetch(input, { ...init, signal });
}
