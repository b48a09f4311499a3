/**
 * A loopback Teams connector for tests and benches: a DeliveryPort that enforces Teams' proactive limits on its
 * side (teamsLimitsEnforcer.ts) and answers 429 with Retry-After beyond them, like the real channel. It records
 * every accepted message per conversation (and, for card updates, what each copy of each card shows now) so tests
 * can count lost, stale and duplicated deliveries, and can be told to
 * answer "gone" (403/404) for some targets or to fail transiently.
 */
import type { Reply } from '../../src/cards/reply';
import {
  targetKey,
  type DeliveryOutcome,
  type DeliveryPort,
  type DeliveryTarget,
} from '../../src/notifications/delivery/deliveryPort';
import { TeamsLimitsEnforcer } from './teamsLimitsEnforcer';

export class LimitEnforcingSink implements DeliveryPort {
  /** Accepted messages per conversation key, in arrival order. */
  readonly received = new Map<string, Reply[]>();
  /** What each person's copy of each card shows now (`<conversation key>|<cardKey>` → latest accepted version). */
  readonly cards = new Map<string, Reply>();
  throttledCount = 0;
  readonly gone = new Set<string>();
  /** Targets whose next N calls fail with a retryable error. */
  readonly transientFailures = new Map<string, number>();
  /** Targets whose next N calls are answered 429 with this Retry-After, whatever the windows say. */
  readonly forcedThrottles = new Map<string, { times: number; retryAfterMs: number }>();
  /** When set, calls after this many accepted messages never answer (a process dying mid-send). */
  hangAfter?: number;
  private accepted = 0;
  private readonly limits: TeamsLimitsEnforcer;

  constructor(now: () => number = Date.now) {
    this.limits = new TeamsLimitsEnforcer(now);
  }

  async deliver(target: DeliveryTarget, reply: Reply, cardKey?: string): Promise<DeliveryOutcome> {
    const key = targetKey(target);
    if (this.hangAfter !== undefined && this.accepted >= this.hangAfter) return new Promise(() => undefined);
    if (this.gone.has(key)) return { outcome: 'gone' };
    const failures = this.transientFailures.get(key) ?? 0;
    if (failures > 0) {
      this.transientFailures.set(key, failures - 1);
      return { outcome: 'failed', retryable: true };
    }
    const forced = this.forcedThrottles.get(key);
    if (forced && forced.times > 0) {
      forced.times--;
      this.throttledCount++;
      return { outcome: 'throttled', retryAfterMs: forced.retryAfterMs };
    }
    const retryAfterMs = this.limits.admit(key);
    if (retryAfterMs > 0) {
      this.throttledCount++;
      return { outcome: 'throttled', retryAfterMs };
    }
    this.accepted++;
    const list = this.received.get(key) ?? [];
    list.push(reply);
    this.received.set(key, list);
    if (cardKey) this.cards.set(`${key}|${cardKey}`, reply);
    return { outcome: 'sent' };
  }

  get total(): number {
    let n = 0;
    for (const list of this.received.values()) n += list.length;
    return n;
  }
}
