/**
 * Which instance sends proactive messages: the holder of the store lease `outbox-sender`. Teams' limits are per bot
 * app, and an instance's limiter only knows its own sends, so only the holder drains the outbox; the other
 * instances only enqueue, and try to take the lease now and then. The holder renews it and releases it on stop; a
 * holder that dies (or is stuck on a send that never answers) stops renewing, and another instance takes over
 * once the lease has run out (15 s by default, the shortest Blob lease), so a takeover takes about the ttl plus one
 * retry. The holder sends only while its lease is known to be valid, less a margin: an in-memory check, so sending
 * costs no store round-trip, and a holder cut off from the store stops before anyone else starts.
 *
 * The windows go with the lease: the holder writes its limiter's memory (recent sends per conversation, pauses
 * after 429s) to the store every second while it sends and when it lets go, and the next holder starts from it, so
 * a handover does not start the windows afresh. A holder that let go wrote everything. After a crash (or a holder
 * cut off from the store) the last second of its sends is unknown to the next one: it stopped sending `margin`
 * before its lease ran out, and the next holder waits out what is left of the longest short window (2 s) after
 * that, so the 1 s and 2 s windows (and the tenant's 1 s) hold; only the 30 s and 1 h windows of a conversation
 * could then see up to a second's worth of sends more than they allow.
 */
import { getLogger } from '../../logging/logger';
import { VersionConflictError, type Lease, type LeaseStore, type RecordStore } from '../../store/ports';
import type { LimiterSnapshot, SlidingWindowLimiter } from './slidingWindowLimiter';

const log = getLogger('notifications');

export const OUTBOX_SENDER_LEASE = 'outbox-sender';
/** Where the sender keeps its limiter's memory for the next one (collection, key). */
export const SENDER_STATE = 'outboxSender';
const LIMITS_KEY = 'limits';
/** How often the holder writes its limiter's memory while it sends. */
const HANDOVER_EVERY_MS = 1_000;
/** The longest of Teams' short windows (8 per 2 s), plus the limiter's margin. */
const SHORT_WINDOWS_MS = 2_020;

interface SenderState extends LimiterSnapshot {
  /** Written by a holder letting go: nothing it sent is missing. */
  released: boolean;
}

export interface SenderLeaseOptions {
  leases: LeaseStore;
  records: RecordStore;
  limiter: SlidingWindowLimiter;
  /** Unique per process. */
  owner: string;
  ttlMs: number;
  /** After a failed attempt, the lease is not asked for again before this (kicks and polls stay cheap). */
  retryMs: number;
  /** When the oldest send still waiting for the channel's answer started (undefined: none is). */
  oldestSendStartedAt: () => number | undefined;
  /** Epoch ms, the same clock as the lease store's (default Date.now). */
  now?: () => number;
}

export class SenderLease {
  private lease?: Lease;
  private timer?: NodeJS.Timeout;
  private lastRenew = 0;
  private failedAt = -Infinity;
  private stalled = false;
  private sentSinceHandover = false;
  private stateVersion?: string;
  private ticking = false;
  private readonly margin: number;
  private readonly now: () => number;

  constructor(private readonly options: SenderLeaseOptions) {
    this.now = options.now ?? Date.now;
    this.margin = Math.min(2_000, Math.floor(options.ttlMs / 5));
  }

  /** True while this instance may send: the lease is ours and has not run out (less a safety margin). */
  get held(): boolean {
    return this.lease !== undefined && this.lease.expiresAt - this.margin > this.now();
  }

  /** A send went out: the limiter's memory is written for the next holder at the next tick. */
  sent(): void {
    this.sentSinceHandover = true;
  }

  /** Holds the lease, taking it when it is free; false when another instance holds it. */
  async take(): Promise<boolean> {
    if (this.held) return true;
    if (this.lease) return this.renew();
    if (this.now() - this.failedAt < this.options.retryMs) return false;
    let lease: Lease | undefined;
    try {
      lease = await this.options.leases.acquire(OUTBOX_SENDER_LEASE, this.options.owner, this.options.ttlMs);
      // Start from the windows the previous holder left: its sends count against the same limits.
      const released = lease ? await this.loadHandover() : true;
      // It may have sent until `margin` before its lease ran out (now, at the latest) without telling us.
      const quietMs = SHORT_WINDOWS_MS - this.margin;
      if (lease && !released && quietMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        lease = await this.options.leases.renew(lease, this.options.ttlMs);
      }
    } catch (error) {
      log.warn({ err: error }, 'could not take the outbox sender lease; will try again');
      if (lease) await this.options.leases.release(lease).catch(() => undefined);
      lease = undefined;
    }
    if (!lease) {
      this.failedAt = this.now();
      return false;
    }
    this.lease = lease;
    this.lastRenew = this.now();
    log.info({ owner: this.options.owner, fencingToken: lease.fencingToken }, 'outbox sender lease taken: sending');
    const every = Math.max(50, Math.min(HANDOVER_EVERY_MS, Math.floor(this.options.ttlMs / 6)));
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref?.();
    return true;
  }

  /** Gives the lease back (on stop, or at the end of a one-off drain) so another instance can take over at once. */
  async release(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const held = this.held;
    this.forget(); // at once: nothing more is sent, and a second release() has nothing to do
    if (held) {
      await this.saveHandover(true).catch((error: unknown) =>
        log.warn({ err: error }, 'could not hand the outbox limits over; the next sender starts without them'),
      );
    }
    try {
      await this.options.leases.release(lease);
      log.info({ owner: this.options.owner }, 'outbox sender lease released');
    } catch (error) {
      log.warn({ err: error }, 'could not release the outbox sender lease; it runs out by itself');
    }
  }

  private async tick(): Promise<void> {
    if (!this.lease || this.ticking) return;
    this.ticking = true;
    try {
      if (this.sentSinceHandover && this.held) await this.saveHandover();
      if (this.now() - this.lastRenew < this.options.ttlMs / 3) return;
      // A drain stuck on a send that never answers must not keep the other instances from sending.
      const oldest = this.options.oldestSendStartedAt();
      if (oldest !== undefined && this.now() - oldest > this.options.ttlMs / 2) {
        if (!this.stalled)
          log.warn({ owner: this.options.owner }, 'the outbox drain is stuck: letting its lease run out');
        this.stalled = true;
        return;
      }
      this.stalled = false;
      await this.renew();
    } catch (error) {
      log.warn({ err: error }, 'could not hand the outbox limits over; will try again');
    } finally {
      this.ticking = false;
    }
  }

  private async renew(): Promise<boolean> {
    const lease = this.lease;
    if (!lease) return false;
    try {
      const renewed = await this.options.leases.renew(lease, this.options.ttlMs);
      if (this.lease !== lease) return this.held;
      if (!renewed) {
        this.forget();
        log.info({ owner: this.options.owner }, 'outbox sender lease lost to another instance: no longer sending');
        return false;
      }
      this.lease = renewed;
      this.lastRenew = this.now();
      return true;
    } catch (error) {
      log.warn({ err: error }, 'could not renew the outbox sender lease; will try again');
      return this.held;
    }
  }

  /** Absorbs what the previous holder left; true when it let go (wrote everything it sent). */
  private async loadHandover(): Promise<boolean> {
    const state = await this.options.records.get<SenderState>(SENDER_STATE, LIMITS_KEY);
    if (state) this.options.limiter.absorb(state.value);
    this.stateVersion = state?.version;
    return state?.value.released ?? true;
  }

  private async saveHandover(released = false): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.sentSinceHandover = false;
      const snapshot: SenderState = { ...this.options.limiter.snapshot(), released };
      try {
        this.stateVersion = await this.options.records.put(
          SENDER_STATE,
          LIMITS_KEY,
          snapshot,
          this.stateVersion ? { ifVersion: this.stateVersion } : { ifAbsent: true },
        );
        return;
      } catch (error) {
        this.sentSinceHandover = true;
        // Someone wrote since we read (a holder that had not yet seen its lease run out): keep its sends too.
        if (!(error instanceof VersionConflictError) || attempt >= 3) throw error;
        await this.loadHandover();
      }
    }
  }

  private forget(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.lease = undefined;
  }
}
