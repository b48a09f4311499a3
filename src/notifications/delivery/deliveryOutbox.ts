/**
 * The persistent queue of everything the bot sends to people other than the one it is answering (collection
 * `notificationOutbox`): digests (one record per recipient and scan) and the domain's Notifications — approval
 * cards and their in-place updates, notes to requesters. Nothing is sent straight to the channel. Every instance
 * enqueues, but only one sends: the holder of the `outbox-sender` lease (senderLease.ts), because Teams' limits are
 * per bot app and a limiter only knows the sends of its own process. The holder claims a due item with a
 * conditional write (the safety net for the moment of a lease handover: two instances never send the same item),
 * checks Teams' limits BEFORE sending (a conversation over its limit waits, the others go on), delivers, and
 * removes the item. While it holds the lease it looks at the store at least every second, so what other instances
 * queue goes out promptly. 429 → the conversation pauses for Retry-After plus jitter and the item is tried again;
 * transient failures → exponential backoff; 403/404 → a digest's subscription is removed. Nothing lives only in memory, so a restart
 * loses nothing.
 *
 * Two kinds of keys:
 * - Digests and notifications without a cardKey get a key of their own, and a receipt in the ledger once sent; an
 *   item whose receipt exists is dropped unsent, so a crash between sending and removing does not send it twice.
 * - A notification with a cardKey is stored under one key per (cardKey, person), and a newer one replaces the
 *   pending older one: only the latest state of a card is sent, so updates cannot arrive out of order. A
 *   replacement keeps the claim of a worker that is sending the older version right now; that worker's conditional
 *   delete then fails, and it hands the newer version back to the queue to be sent after.
 */
import { randomUUID } from 'node:crypto';
import type { Notification, Reply } from '../../cards/reply';
import { getLogger } from '../../logging/logger';
import {
  VersionConflictError,
  type AuditLog,
  type LeaseStore,
  type RecordStore,
  type StoredRecord,
} from '../../store/ports';
import { targetKey, type DeliveryPort, type DeliveryTarget } from './deliveryPort';
import type { NotificationLedger } from './ledger';
import { SenderLease } from './senderLease';
import type { SlidingWindowLimiter } from './slidingWindowLimiter';
import type { Subscriptions } from './subscriptions';

const log = getLogger('notifications');

export const OUTBOX = 'notificationOutbox';
const CLAIM_MS = 60_000;
const MAX_FAILURES = 8;
/** Longest idle wait of a drain before it looks at the queue again (other instances may have added items). */
const MAX_IDLE_MS = 1_000;
/** The sender lease: 15 s is the shortest Blob lease; a dead holder is replaced after about this long. */
const SENDER_LEASE_MS = 15_000;
/** How often an instance that does not send asks for the lease (and the sender polls an empty queue: half). */
const SENDER_RETRY_MS = 1_000;

export interface OutboxItem {
  /** What the item is one of: a scan's id for a digest, the item's own key for a notification. */
  scanId: string;
  recipient: string;
  target: DeliveryTarget;
  reply: Reply;
  /** Absent on digests (and on items queued before notifications went through the outbox). */
  kind?: 'digest' | 'notification';
  /** A card update: sent in place of that person's copy of the card; no receipt (the latest state wins). */
  cardKey?: string;
  /** Queue order (epoch ms of the first enqueue); a conversation's items are sent in this order. */
  seq?: number;
  /** Epoch ms before which the item is not sent (backoff, Retry-After). */
  notBefore: number;
  failures: number;
  throttles: number;
  state: 'pending' | 'failed';
  claimedBy?: string;
  claimedUntil?: number;
  lastError?: string;
}

export interface OutboxDependencies {
  records: RecordStore;
  audit: AuditLog;
  /** For the `outbox-sender` lease: one instance at a time sends, so Teams' limits hold for the bot as a whole. */
  leases: LeaseStore;
  ledger: NotificationLedger;
  subscriptions: Subscriptions;
  delivery: DeliveryPort;
  limiter: SlidingWindowLimiter;
  now?: () => number;
  /** Conversations served at the same time (each conversation's items go one after the other). */
  concurrency?: number;
  /** How long a claimed item stays reserved for its worker; a crashed worker's items return after this. */
  claimMs?: number;
  /** The sender lease's ttl (tests shorten it; Blob leases are 15–60 s whatever is asked). */
  senderLeaseMs?: number;
  /** How often a non-sender asks for the lease (default 1 s). */
  senderRetryMs?: number;
}

export interface DrainReport {
  sent: number;
  throttled: number;
  gone: number;
  failed: number;
  skippedDuplicates: number;
}

export const outboxKey = (scanId: string, recipient: string): string => `${scanId}|${recipient}`;
/** The one outbox key of a person's copy of a card: newer versions replace older pending ones. */
export const cardOutboxKey = (cardKey: string, userId: string): string => `card|${cardKey}|${userId.toLowerCase()}`;

type Outcome = 'sent' | 'skipped' | 'retryLater' | 'notClaimed';

export class DeliveryOutbox {
  private readonly worker = `outbox-${randomUUID()}`;
  private readonly sender: SenderLease;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<DrainReport>;
  private stopping = false;
  private wake?: () => void;
  private lastSeq = 0;
  /** Start times of the sends waiting for the channel's answer (a stuck one lets the sender lease go). */
  private readonly inFlight = new Map<number, number>();
  private sendIds = 0;

  constructor(private readonly deps: OutboxDependencies) {
    this.now = deps.now ?? Date.now;
    this.sender = new SenderLease({
      leases: deps.leases,
      records: deps.records,
      limiter: deps.limiter,
      owner: this.worker,
      ttlMs: deps.senderLeaseMs ?? SENDER_LEASE_MS,
      retryMs: deps.senderRetryMs ?? SENDER_RETRY_MS,
      oldestSendStartedAt: () => (this.inFlight.size ? Math.min(...this.inFlight.values()) : undefined),
      now: this.now,
    });
  }

  /** Whether this instance is the one sending (holds the sender lease) right now. */
  get sending(): boolean {
    return this.sender.held;
  }

  /** Queues a digest; queuing the same recipient+scan twice keeps the first. */
  async enqueue(item: Pick<OutboxItem, 'scanId' | 'recipient' | 'target' | 'reply'>): Promise<void> {
    const value: OutboxItem = {
      ...item,
      kind: 'digest',
      seq: this.nextSeq(),
      notBefore: 0,
      failures: 0,
      throttles: 0,
      state: 'pending',
    };
    try {
      await this.deps.records.put(OUTBOX, outboxKey(item.scanId, item.recipient), value, { ifAbsent: true });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }

  /**
   * Queues the domain's notifications, in order. One with a cardKey replaces the pending version of that person's
   * card; one without gets a key of its own (and a receipt once sent).
   */
  async enqueueNotifications(notifications: Notification[]): Promise<void> {
    for (const notification of notifications) {
      const target = { userId: notification.toUserId };
      const base = {
        recipient: targetKey(target),
        target,
        reply: notification.reply,
        kind: 'notification' as const,
        notBefore: 0,
        failures: 0,
        throttles: 0,
        state: 'pending' as const,
      };
      if (notification.cardKey) {
        await this.replaceCard(cardOutboxKey(notification.cardKey, notification.toUserId), {
          ...base,
          cardKey: notification.cardKey,
        });
      } else {
        const seq = this.nextSeq();
        const key = `note|${String(seq).padStart(15, '0')}|${randomUUID()}`;
        await this.deps.records.put<OutboxItem>(OUTBOX, key, { ...base, scanId: key, seq }, { ifAbsent: true });
      }
    }
  }

  async pending(): Promise<StoredRecord<OutboxItem>[]> {
    const out: StoredRecord<OutboxItem>[] = [];
    for await (const r of this.deps.records.list<OutboxItem>(OUTBOX)) if (r.value.state === 'pending') out.push(r);
    return out;
  }

  /**
   * Delivers until nothing is pending (waiting for backoffs and rate limits as needed), if this instance holds or
   * can take the sender lease; otherwise returns at once, since the instance holding it sends. Does nothing while
   * the delivery port cannot deliver yet (the bot adapter is not attached): the items wait in the store. Outside
   * start()…stop() the lease is given back at the end, so that another instance can send.
   */
  drain(): Promise<DrainReport> {
    if (this.deps.delivery.ready?.() === false) return Promise.resolve(emptyReport());
    if (!this.draining) {
      this.draining = this.drainAsSender().finally(() => {
        this.draining = undefined;
      });
    }
    return this.draining;
  }

  /**
   * Starts delivering now, in the background: a drain that is running looks at the queue again at once (instead of
   * after its idle wait), and one is started otherwise. Never waits for the delivery.
   */
  kick(): void {
    if (this.deps.delivery.ready?.() === false) return;
    if (this.draining) {
      this.wake?.();
      return;
    }
    void this.drain().catch((error: unknown) => log.warn({ err: error }, 'delivery round failed; will retry'));
  }

  /**
   * Works in the background: every instance runs one; the one holding the sender lease polls the queue every
   * `intervalMs` and keeps the lease, the others ask for the lease (at most every senderRetryMs).
   */
  start(intervalMs = SENDER_RETRY_MS / 2): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.drain().catch((error: unknown) => log.warn({ err: error }, 'delivery round failed; will retry'));
    }, intervalMs);
    this.timer.unref?.();
  }

  /**
   * Stops the poller, ends a running drain after the sends in flight (what is left stays queued) and gives the
   * sender lease back, so another instance takes over at once.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.draining) {
      this.stopping = true;
      this.wake?.();
      try {
        await this.draining.catch(() => undefined);
      } finally {
        this.stopping = false;
      }
    }
    await this.sender.release();
  }

  private async drainAsSender(): Promise<DrainReport> {
    if (!(await this.sender.take())) return emptyReport();
    try {
      return await this.drainLoop();
    } finally {
      // A one-off drain (CLI, tests, no background worker) does not keep other instances from sending.
      if (!this.timer) await this.sender.release();
    }
  }

  private nextSeq(): number {
    this.lastSeq = Math.max(this.lastSeq + 1, this.now());
    return this.lastSeq;
  }

  /** Writes the newest version of a person's card, keeping its place in the queue and a worker's claim on it. */
  private async replaceCard(key: string, value: Omit<OutboxItem, 'scanId' | 'seq'>): Promise<void> {
    const { records } = this.deps;
    for (let attempt = 0; ; attempt++) {
      const existing = await records.get<OutboxItem>(OUTBOX, key);
      const current = existing?.value;
      const live = current?.state === 'pending';
      const next: OutboxItem = {
        ...value,
        scanId: key,
        seq: live && current.seq !== undefined ? current.seq : this.nextSeq(),
        // A conversation paused by a 429 stays paused; a worker sending the older version keeps its claim.
        notBefore: live ? current.notBefore : 0,
        throttles: live ? current.throttles : 0,
        claimedBy: live ? current.claimedBy : undefined,
        claimedUntil: live ? current.claimedUntil : undefined,
      };
      try {
        await records.put(OUTBOX, key, next, existing ? { ifVersion: existing.version } : { ifAbsent: true });
        return;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= 20) throw error;
      }
    }
  }

  private async drainLoop(): Promise<DrainReport> {
    const report = emptyReport();
    const concurrency = this.deps.concurrency ?? 64;
    while (!this.stopping && this.sender.held) {
      const items = await this.pending();
      if (!items.length) return report;
      const now = this.now();
      let wakeAt = Infinity;
      const conversations = new Map<string, StoredRecord<OutboxItem>[]>();
      for (const r of [...items].sort(queueOrder)) {
        const claimed = r.value.claimedUntil !== undefined && r.value.claimedUntil > now;
        if (r.value.notBefore > now || claimed) {
          wakeAt = Math.min(wakeAt, Math.max(r.value.notBefore, claimed ? (r.value.claimedUntil as number) : 0));
          continue;
        }
        const key = targetKey(r.value.target);
        conversations.set(key, [...(conversations.get(key) ?? []), r]);
      }
      const queues = [...conversations.entries()];
      let progressed = false;
      let index = 0;
      const lanes = Array.from({ length: Math.min(concurrency, queues.length) }, async () => {
        while (index < queues.length && !this.stopping && this.sender.held) {
          const [key, queue] = queues[index++];
          for (const record of queue) {
            // Sending only while the lease is surely ours (in memory: no store round-trip per send).
            if (this.stopping || !this.sender.held) break;
            // Teams' limits are checked before the send; a conversation over them waits, the others go on.
            const wait = this.deps.limiter.tryAcquire(key);
            if (wait > 0) {
              wakeAt = Math.min(wakeAt, this.now() + wait);
              break;
            }
            const outcome = await this.deliverOne(record, report);
            if (outcome === 'sent' || outcome === 'skipped') progressed = true;
            // Keep the conversation's order: after a 429 or a failure its later items wait too.
            else break;
          }
        }
      });
      await Promise.all(lanes);
      if (!progressed && !this.stopping) {
        await this.idle(Math.max(10, Math.min(wakeAt - this.now(), MAX_IDLE_MS)));
      }
    }
    return report;
  }

  /** Waits, unless kick() or stop() wakes it first. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async claim(record: StoredRecord<OutboxItem>): Promise<StoredRecord<OutboxItem> | undefined> {
    const value: OutboxItem = {
      ...record.value,
      claimedBy: this.worker,
      claimedUntil: this.now() + (this.deps.claimMs ?? CLAIM_MS),
    };
    try {
      const version = await this.deps.records.put(OUTBOX, record.key, value, { ifVersion: record.version });
      return { key: record.key, value, version };
    } catch (error) {
      if (error instanceof VersionConflictError) return undefined; // another worker has it, or a newer version came
      throw error;
    }
  }

  private async deliverOne(candidate: StoredRecord<OutboxItem>, report: DrainReport): Promise<Outcome> {
    const record = await this.claim(candidate);
    if (!record) return 'notClaimed';
    const item = record.value;
    const key = targetKey(item.target);
    const { ledger, limiter } = this.deps;
    const receipted = !item.cardKey;
    if (receipted && (await ledger.delivered(item.recipient, item.scanId))) {
      report.skippedDuplicates++;
      await this.remove(record);
      return 'skipped';
    }
    if (!this.sender.held) {
      // The lease ran out during the claim (a stalled store): another instance may be sending by now.
      await this.release(record, {});
      return 'notClaimed';
    }
    let result;
    const sendId = ++this.sendIds;
    this.inFlight.set(sendId, this.now());
    try {
      // Counted from when it leaves, not from the admission before the claim: the store reads and writes in between
      // (the claim here, the conversation reference in the port) take varying time.
      const sending = () => limiter.markSent(key);
      sending();
      this.sender.sent();
      result = await this.deps.delivery.deliver(item.target, item.reply, item.cardKey, sending);
    } catch (error) {
      log.warn({ err: error, recipient: item.recipient }, 'delivery threw; treating as a transient failure');
      result = { outcome: 'failed' as const, retryable: true };
    } finally {
      this.inFlight.delete(sendId);
    }
    switch (result.outcome) {
      case 'sent':
        report.sent++;
        if (receipted) await ledger.markDelivered(item.recipient, item.scanId, new Date(this.now()));
        await this.remove(record);
        return 'sent';
      case 'throttled': {
        report.throttled++;
        const wait = Math.round(result.retryAfterMs * (1 + Math.random() * 0.2)) + 10;
        limiter.pause(key, this.now() + wait);
        await this.release(record, { notBefore: this.now() + wait, throttles: item.throttles + 1 });
        return 'retryLater';
      }
      case 'gone':
        report.gone++;
        // A digest's subscription goes with its conversation; a notification is only dropped (it is logged).
        if (item.kind !== 'notification') await this.deps.subscriptions.removeTarget(key);
        else
          log.warn({ to: key, cardKey: item.cardKey }, 'no conversation with this user: ask them to install the app');
        await this.remove(record);
        await this.audit('notification.gone', key, 'info');
        return 'sent';
      case 'failed': {
        const failures = item.failures + 1;
        if (!result.retryable || failures >= MAX_FAILURES) {
          report.failed++;
          const lastError = result.retryable ? 'gave up' : 'refused';
          // Given up on this version only: a newer version of the card that came meanwhile still gets its tries.
          await this.release(record, { state: 'failed', failures, lastError }, {});
          await this.audit('notification.failed', key, 'failure');
          return 'retryLater';
        }
        const backoff = Math.min(300_000, 1_000 * 2 ** (failures - 1)) * (1 + Math.random() * 0.2);
        const notBefore = this.now() + backoff;
        await this.release(record, { failures, notBefore, lastError: 'transient' }, { notBefore });
        return 'retryLater';
      }
    }
  }

  /** Removes a sent (or dropped) item; if a newer version replaced it meanwhile, that one is handed back instead. */
  private async remove(record: StoredRecord<OutboxItem>): Promise<void> {
    try {
      await this.deps.records.delete(OUTBOX, record.key, { ifVersion: record.version });
    } catch (error) {
      if (error instanceof VersionConflictError) await this.handBack(record.key, {});
      else log.warn({ err: error, key: record.key }, 'could not remove a sent outbox item; its claim will expire');
    }
  }

  /**
   * Ends this worker's claim with `change`. If a newer version of the item replaced the claimed one (a card
   * update), the newer content is kept and only `carry` (the timing of a 429 or a backoff) applies to it.
   */
  private async release(
    record: StoredRecord<OutboxItem>,
    change: Partial<OutboxItem>,
    carry: Partial<OutboxItem> = change,
  ): Promise<void> {
    const value: OutboxItem = { ...record.value, ...change, claimedBy: undefined, claimedUntil: undefined };
    try {
      await this.deps.records.put(OUTBOX, record.key, value, { ifVersion: record.version });
    } catch (error) {
      if (error instanceof VersionConflictError) await this.handBack(record.key, carry);
      else log.warn({ err: error, key: record.key }, 'could not release an outbox item; its claim will expire');
    }
  }

  /** Clears this worker's claim on the current version of `key` (a newer card version written during a send). */
  private async handBack(key: string, carry: Partial<OutboxItem>): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.deps.records.get<OutboxItem>(OUTBOX, key);
      if (!current || current.value.claimedBy !== this.worker) return;
      const value: OutboxItem = {
        ...current.value,
        notBefore: Math.max(current.value.notBefore, carry.notBefore ?? 0),
        throttles: carry.throttles ?? current.value.throttles,
        claimedBy: undefined,
        claimedUntil: undefined,
      };
      try {
        await this.deps.records.put(OUTBOX, key, value, { ifVersion: current.version });
        this.kick();
        return;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) {
          log.warn({ err: error, key }, 'could not hand an outbox item back; its claim will expire');
          return;
        }
      }
    }
  }

  private async audit(action: string, subject: string, outcome: 'info' | 'failure'): Promise<void> {
    await this.deps.audit
      .append({ actor: 'system', action, subject, outcome })
      .catch((error: unknown) => log.warn({ err: error }, 'could not audit a delivery outcome'));
  }
}

function emptyReport(): DrainReport {
  return { sent: 0, throttled: 0, gone: 0, failed: 0, skippedDuplicates: 0 };
}

function queueOrder(a: StoredRecord<OutboxItem>, b: StoredRecord<OutboxItem>): number {
  return (a.value.seq ?? 0) - (b.value.seq ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
