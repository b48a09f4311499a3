/**
 * Bounded polling with exponential backoff, for things that become true after a propagation delay (a new client
 * secret is usable only seconds after addPassword). Errors from the probe count as "not yet".
 */
export interface PollOptions {
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function pollUntil(
  probe: () => Promise<boolean>,
  options: PollOptions,
  /** Called before each wait between tries (e.g. to show that the bot is still waiting). */
  beforeWait?: () => Promise<void>,
): Promise<{ ok: boolean; attempts: number; lastError?: unknown }> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts++;
    try {
      if (await probe()) return { ok: true, attempts };
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) return { ok: false, attempts, lastError };
    await beforeWait?.();
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}
