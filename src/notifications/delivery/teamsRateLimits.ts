/**
 * Teams' documented limits for proactive messages from one bot: per conversation 7 per second, 8 per 2 seconds,
 * 60 per 30 seconds and 1,800 per hour; about 50 requests per second per app per tenant. The outbox enforces them
 * before sending so that 429s stay the exception.
 */
import { SlidingWindowLimiter, type Window } from './slidingWindowLimiter';

export const PER_CONVERSATION_LIMITS: Window[] = [
  { limit: 7, perMs: 1_000 },
  { limit: 8, perMs: 2_000 },
  { limit: 60, perMs: 30_000 },
  { limit: 1_800, perMs: 3_600_000 },
];

export const TENANT_LIMITS: Window[] = [{ limit: 50, perMs: 1_000 }];

export function teamsRateLimiter(options: { now?: () => number; safetyMarginMs?: number } = {}): SlidingWindowLimiter {
  return new SlidingWindowLimiter({
    perKey: PER_CONVERSATION_LIMITS,
    global: TENANT_LIMITS,
    safetyMarginMs: options.safetyMarginMs ?? 20,
    now: options.now,
  });
}
