/**
 * Rate limits as sliding windows ("at most 7 per second AND 60 per 30 seconds"), per key and across all keys,
 * checked BEFORE a send: a send is admitted only when every window of its key and every global window has room,
 * and is recorded at that moment. Admission times only move forward, so each log stays sorted and a window check
 * is a look at one element. A key can also be paused (after a 429) until a given time. markSent moves an admission
 * to the moment the send actually leaves.
 */

export interface Window {
  limit: number;
  perMs: number;
}

/** A limiter's memory, handed from one sending instance to the next (times are ms before `at`). */
export interface LimiterSnapshot {
  at: number;
  keys: Record<string, number[]>;
  global: number[];
  /** Key → epoch ms until which it is paused. */
  paused: Record<string, number>;
}

export interface SlidingWindowLimiterOptions {
  perKey: Window[];
  global: Window[];
  /** Added to every window so that sends stay under the limit even when they arrive a little late. */
  safetyMarginMs?: number;
  now?: () => number;
}

export class SlidingWindowLimiter {
  private readonly logs = new Map<string, number[]>();
  private readonly globalLog: number[] = [];
  private readonly pausedUntil = new Map<string, number>();
  private readonly longestPerKey: number;
  private readonly longestGlobal: number;
  private readonly now: () => number;
  private readonly margin: number;

  constructor(private readonly options: SlidingWindowLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.margin = options.safetyMarginMs ?? 0;
    this.longestPerKey = Math.max(0, ...options.perKey.map((w) => w.perMs)) + this.margin;
    this.longestGlobal = Math.max(0, ...options.global.map((w) => w.perMs)) + this.margin;
  }

  /** Admits a send for `key` now (returns 0) or says how long to wait before asking again. */
  tryAcquire(key: string): number {
    const now = this.now();
    const paused = this.pausedUntil.get(key);
    if (paused !== undefined) {
      if (paused > now) return paused - now;
      this.pausedUntil.delete(key);
    }
    const log = this.logs.get(key) ?? [];
    prune(log, now - this.longestPerKey);
    prune(this.globalLog, now - this.longestGlobal);
    const wait = Math.max(
      this.waitFor(log, this.options.perKey, now),
      this.waitFor(this.globalLog, this.options.global, now),
    );
    if (wait > 0) {
      if (log.length === 0) this.logs.delete(key);
      return wait;
    }
    log.push(now);
    this.globalLog.push(now);
    this.logs.set(key, log);
    return 0;
  }

  /**
   * The send last admitted for `key` goes out now: it counts from now rather than from its admission. A caller
   * with work between admission and send (a store write) calls this just before sending, so that a varying delay
   * in between cannot bring two sends closer together than the windows allow. One send per key at a time.
   */
  markSent(key: string): void {
    const log = this.logs.get(key);
    if (!log?.length) return;
    const now = this.now();
    const admitted = log[log.length - 1];
    if (admitted >= now) return;
    log[log.length - 1] = now;
    // The global log is sorted too: drop that admission (the latest one with its time) and append the send.
    const at = this.globalLog.lastIndexOf(admitted);
    if (at >= 0) this.globalLog.splice(at, 1);
    this.globalLog.push(now);
  }

  /** Waits until a send for `key` is admitted. */
  async acquire(key: string, sleep: (ms: number) => Promise<void> = defaultSleep): Promise<void> {
    for (;;) {
      const wait = this.tryAcquire(key);
      if (wait === 0) return;
      // A little jitter so that many waiters on the global window do not all wake in the same millisecond.
      await sleep(wait + Math.floor(Math.random() * 5));
    }
  }

  /** After a 429: nothing for this key until `untilMs`. */
  pause(key: string, untilMs: number): void {
    this.pausedUntil.set(key, Math.max(untilMs, this.pausedUntil.get(key) ?? 0));
  }

  /**
   * What the windows remember now (sends still inside a window, pauses still running), for the instance that
   * sends next: see absorb().
   */
  snapshot(): LimiterSnapshot {
    const at = this.now();
    const keys: Record<string, number[]> = {};
    for (const [key, log] of this.logs) {
      prune(log, at - this.longestPerKey);
      if (log.length) keys[key] = log.map((t) => at - t);
      else this.logs.delete(key);
    }
    prune(this.globalLog, at - this.longestGlobal);
    const paused: Record<string, number> = {};
    for (const [key, until] of this.pausedUntil) {
      if (until > at) paused[key] = until;
      else this.pausedUntil.delete(key);
    }
    return { at, keys, global: this.globalLog.map((t) => at - t), paused };
  }

  /**
   * Counts the sends of a snapshot (another instance's, or this one's from before) as if they were this
   * limiter's own; sends it already knows (from an earlier snapshot of its own) are not counted twice.
   */
  absorb(snapshot: LimiterSnapshot): void {
    for (const [key, ago] of Object.entries(snapshot.keys)) {
      this.logs.set(
        key,
        merge(
          this.logs.get(key) ?? [],
          ago.map((t) => snapshot.at - t),
        ),
      );
    }
    const global = merge(
      this.globalLog,
      snapshot.global.map((t) => snapshot.at - t),
    );
    this.globalLog.splice(0, this.globalLog.length, ...global);
    for (const [key, until] of Object.entries(snapshot.paused)) this.pause(key, until);
  }

  /** Keys currently remembered (for tests of bounded memory). */
  get trackedKeys(): number {
    return this.logs.size;
  }

  private waitFor(log: number[], windows: Window[], now: number): number {
    let wait = 0;
    for (const w of windows) {
      if (log.length < w.limit) continue;
      // The send `limit` places back must have left the window before another one fits.
      const oldest = log[log.length - w.limit];
      wait = Math.max(wait, oldest + w.perMs + this.margin - now);
    }
    return wait;
  }
}

/**
 * Union of two sorted logs that may hold the same sends (a snapshot of sends this limiter absorbed before): a time
 * found n times in one and m times in the other stands for max(n, m) sends.
 */
function merge(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const t = Math.min(a[i] ?? Infinity, b[j] ?? Infinity);
    let n = 0;
    let m = 0;
    for (; a[i] === t; i++) n++;
    for (; b[j] === t; j++) m++;
    for (let k = Math.max(n, m); k > 0; k--) out.push(t);
  }
  return out;
}

function prune(log: number[], before: number): void {
  let drop = 0;
  while (drop < log.length && log[drop] <= before) drop++;
  if (drop) log.splice(0, drop);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
