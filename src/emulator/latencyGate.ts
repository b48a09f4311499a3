/**
 * Holds the injected latency open until a test lets go. A test of what happens while requests are in flight (the
 * Dataverse concurrency limit) must know that they all arrived while the others were still being worked on; a fixed
 * latency only promises that when the machine is fast enough to send them all within it.
 */
export class LatencyGate {
  private held: { promise: Promise<void>; release: () => void } | undefined;
  private waitingNow = 0;
  private readonly watchers = new Set<() => void>();

  /** From now on, a request with injected latency waits (after its latency) until release(). */
  hold(): void {
    if (this.held) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held = { promise, release };
  }

  release(): void {
    const held = this.held;
    this.held = undefined;
    held?.release();
  }

  /** How many requests are waiting at the gate. */
  get waiting(): number {
    return this.waitingNow;
  }

  /** Resolves once `count` requests are waiting at the gate (an event to wait for, not a time). */
  whenWaiting(count: number): Promise<void> {
    if (this.waitingNow >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.waitingNow < count) return;
        this.watchers.delete(check);
        resolve();
      };
      this.watchers.add(check);
    });
  }

  async pass(): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.waitingNow += 1;
    for (const watcher of [...this.watchers]) watcher();
    try {
      await held.promise;
    } finally {
      this.waitingNow -= 1;
    }
  }
}
