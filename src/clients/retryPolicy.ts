/**
 * When and how long to wait before another attempt: jittered exponential backoff, the server's Retry-After
 * (seconds or an HTTP date) when it sends one, and a budget of attempts and total time so a storm ends in a typed
 * error instead of an endless wait.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wall-clock budget for one logical request, waits included. */
  maxTotalMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxTotalMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
};

/** Statuses that mean "try again later" rather than "this request is wrong". */
export const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Network error codes after which the same safe request may be sent again. */
export const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Milliseconds the server asked us to wait, from `retry-after-ms` / `x-ms-retry-after-ms` (Azure) or
 * `Retry-After` (seconds or an HTTP date). Undefined when there is no usable hint.
 */
export function retryAfterMs(
  headers: Record<string, unknown> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const header = (name: string): string | undefined => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : undefined;
  };
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(header(name));
    if (header(name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const retryAfter = header('retry-after');
  if (retryAfter === undefined || retryAfter === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Full-jitter exponential backoff for attempt n (1 = the wait after the first failure): a random delay in
 * [cap/2, cap] where cap = min(maxDelay, base·2^(n-1)), so that many clients failing together spread out.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
