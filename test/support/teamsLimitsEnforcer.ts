/**
 * Teams' side of its proactive-message limits, for the loopback channels of tests and benches (LimitEnforcingSink,
 * the connector stub): per conversation 7/s, 8/2 s, 60/30 s, 1,800/h and 50/s tenant-wide, the same windows the
 * bot's outbox enforces on its side (src/notifications/delivery/teamsRateLimits.ts). Beyond them the channel answers 429
 * with Retry-After in whole seconds, as Teams does.
 */
import { PER_CONVERSATION_LIMITS, TENANT_LIMITS } from '../../src/notifications/delivery/teamsRateLimits';
import type { Window } from '../../src/notifications/delivery/slidingWindowLimiter';

export class TeamsLimitsEnforcer {
  private readonly perKey = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** 0 when a message to `key` is accepted now (and counted); otherwise the Retry-After (ms) Teams would send. */
  admit(key: string): number {
    const t = this.now();
    const log = this.perKey.get(key) ?? [];
    const wait = Math.max(waitFor(log, PER_CONVERSATION_LIMITS, t), waitFor(this.all, TENANT_LIMITS, t));
    if (wait > 0) return Math.ceil(wait / 1000) * 1000;
    log.push(t);
    this.perKey.set(key, log);
    this.all.push(t);
    if (this.all.length > 100) this.all.splice(0, this.all.length - 100);
    return 0;
  }
}

function waitFor(log: number[], windows: Window[], now: number): number {
  let wait = 0;
  for (const w of windows) {
    const inWindow = log.filter((t) => t > now - w.perMs);
    if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit] + w.perMs - now);
  }
  return wait;
}
