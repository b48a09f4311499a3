/**
 * A counting semaphore: at most `max` tasks run at once, the others wait in FIFO order. It replaces bottleneck on
 * the request path (the HTTP layer's per-API limits, the scanner's lanes): bottleneck's generality (events,
 * priorities, its async datastore) cost about a millisecond of CPU per request in the tenant scan profile, and
 * these callers need none of it.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new Error(`ConcurrencyLimit: max must be at least 1, not ${max}`);
  }

  /** Runs `task` as soon as fewer than `max` others are running; resolves or rejects with it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  private release(): void {
    if (this.head < this.waiting.length) {
      // The slot passes straight to the next waiter: `running` stays the same.
      const next = this.waiting[this.head++];
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else {
      this.running--;
    }
  }
}
