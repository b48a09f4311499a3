/**
 * Token buckets per (API, caller) and concurrency counters, as the services' throttles behave: a request that
 * finds too few tokens is refused with 429 and Retry-After (whole seconds until enough tokens are back).
 */
import type { ThrottleBudget } from './faults';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly inflight = new Map<string, number>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Takes `cost` tokens; returns undefined when allowed, or the seconds to wait. */
  take(key: string, budget: ThrottleBudget, cost = 1): number | undefined {
    const now = this.nowMs();
    const ratePerMs = budget.capacity / budget.windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: budget.capacity, updatedMs: now };
    bucket.tokens = Math.min(budget.capacity, bucket.tokens + (now - bucket.updatedMs) * ratePerMs);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return undefined;
    }
    return Math.max(1, Math.ceil((cost - bucket.tokens) / ratePerMs / 1000));
  }

  /** Enters a concurrent request; false when the caller already has `limit` in flight. */
  enter(key: string, limit: number): boolean {
    const current = this.inflight.get(key) ?? 0;
    if (current >= limit) return false;
    this.inflight.set(key, current + 1);
    return true;
  }

  leave(key: string): void {
    const current = this.inflight.get(key) ?? 0;
    if (current <= 1) this.inflight.delete(key);
    else this.inflight.set(key, current - 1);
  }

  clear(): void {
    this.buckets.clear();
  }
}
