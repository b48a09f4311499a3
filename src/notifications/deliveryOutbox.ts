/**
 * The persistent queue of outgoing digests (collection `notificationOutbox`, one record per recipient and scan).
 * A worker claims a due item with a conditional write (so two instances never send the same one), waits for
 * Teams' limits (checked before sending), delivers, and then records a receipt in the ledger before removing the
 * item; an item whose receipt exists is dropped unsent, so a crash after sending does not send it twice.
 * 429 → wait Retry-After plus jitter (the whole conversation pauses); transient failures → exponential backoff;
 * 403/404 → the subscription is removed. Nothing lives only in memory, so a restart loses nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../cards/reply';
import { getLogger } from '../logging/logger';
import { VersionConflictError, type AuditLog, type RecordStore, type StoredRecord } from '../store/ports';
import { targetKey, type DeliveryPort, type DeliveryTarget } from './deliveryPort';
import type { NotificationLedger } from './ledger';
import type { SlidingWindowLimiter } from './slidingWindowLimiter';
import type { Subscriptions } from './subscriptions';

const log = getLogger('notifications');

export const OUTBOX = 'notificationOutbox';
const CLAIM_MS = 60_000;
const MAX_FAILURES = 8;

export interface OutboxItem {
  scanId: string;
  recipient: string;
  target: DeliveryTarget;
  reply: Reply;
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
  ledger: NotificationLedger;
  subscriptions: Subscriptions;
  delivery: DeliveryPort;
  limiter: SlidingWindowLimiter;
  now?: () => number;
  /** Items delivered at the same time (each still waits for its rate-limit slot). */
  concurrency?: number;
  /** How long a claimed item stays reserved for its worker; a crashed worker's items return after this. */
  claimMs?: number;
}

export interface DrainReport {
  sent: number;
  throttled: number;
  gone: number;
  failed: number;
  skippedDuplicates: number;
}

export const outboxKey = (scanId: string, recipient: string): string => `${scanId}|${recipient}`;

export class DeliveryOutbox {
  private readonly worker = `outbox-${randomUUID()}`;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<DrainReport>;

  constructor(private readonly deps: OutboxDependencies) {
    this.now = deps.now ?? Date.now;
  }

  /** Queues a digest; queuing the same recipient+scan twice keeps the first. */
  async enqueue(item: Pick<OutboxItem, 'scanId' | 'recipient' | 'target' | 'reply'>): Promise<void> {
    const value: OutboxItem = { ...item, notBefore: 0, failures: 0, throttles: 0, state: 'pending' };
    try {
      await this.deps.records.put(OUTBOX, outboxKey(item.scanId, item.recipient), value, { ifAbsent: true });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }

  async pending(): Promise<StoredRecord<OutboxItem>[]> {
    const out: StoredRecord<OutboxItem>[] = [];
    for await (const r of this.deps.records.list<OutboxItem>(OUTBOX)) if (r.value.state === 'pending') out.push(r);
    return out;
  }

  /** Delivers until nothing is pending (waiting for backoffs and rate limits as needed). */
  drain(): Promise<DrainReport> {
    if (!this.draining) {
      this.draining = this.drainLoop().finally(() => {
        this.draining = undefined;
      });
    }
    return this.draining;
  }

  /** Polls in the background (every instance may run one; claims keep them apart). */
  start(intervalMs = 5_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.drain().catch((error: unknown) => log.warn({ err: error }, 'delivery round failed; will retry'));
    }, intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.draining?.catch(() => undefined);
  }

  private async drainLoop(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, throttled: 0, gone: 0, failed: 0, skippedDuplicates: 0 };
    const concurrency = this.deps.concurrency ?? 64;
    for (;;) {
      const items = await this.pending();
      if (!items.length) return report;
      const now = this.now();
      const due = items.filter(
        (r) => r.value.notBefore <= now && !(r.value.claimedUntil && r.value.claimedUntil > now),
      );
      if (!due.length) {
        const next = Math.min(...items.map((r) => Math.max(r.value.notBefore, r.value.claimedUntil ?? 0)));
        await sleep(Math.max(10, Math.min(next - now, 5_000)));
        continue;
      }
      let index = 0;
      const lanes = Array.from({ length: Math.min(concurrency, due.length) }, async () => {
        while (index < due.length) await this.deliverOne(due[index++], report);
      });
      await Promise.all(lanes);
    }
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
      if (error instanceof VersionConflictError) return undefined; // another worker has it
      throw error;
    }
  }

  private async deliverOne(candidate: StoredRecord<OutboxItem>, report: DrainReport): Promise<void> {
    const record = await this.claim(candidate);
    if (!record) return;
    const item = record.value;
    const key = targetKey(item.target);
    const { ledger, records, limiter } = this.deps;
    if (await ledger.delivered(item.recipient, item.scanId)) {
      report.skippedDuplicates++;
      await records.delete(OUTBOX, record.key).catch(() => undefined);
      return;
    }
    await limiter.acquire(key);
    let result;
    try {
      result = await this.deps.delivery.deliver(item.target, item.reply);
    } catch (error) {
      log.warn({ err: error, recipient: item.recipient }, 'delivery threw; treating as a transient failure');
      result = { outcome: 'failed' as const, retryable: true };
    }
    switch (result.outcome) {
      case 'sent':
        report.sent++;
        await ledger.markDelivered(item.recipient, item.scanId, new Date(this.now()));
        await records.delete(OUTBOX, record.key, { ifVersion: record.version }).catch(() => undefined);
        return;
      case 'throttled': {
        report.throttled++;
        const wait = Math.round(result.retryAfterMs * (1 + Math.random() * 0.2)) + 10;
        limiter.pause(key, this.now() + wait);
        await this.release(record, { notBefore: this.now() + wait, throttles: item.throttles + 1 });
        return;
      }
      case 'gone':
        report.gone++;
        await this.deps.subscriptions.removeTarget(key);
        await records.delete(OUTBOX, record.key, { ifVersion: record.version }).catch(() => undefined);
        await this.audit('notification.gone', key, 'info');
        return;
      case 'failed': {
        const failures = item.failures + 1;
        if (!result.retryable || failures >= MAX_FAILURES) {
          report.failed++;
          await this.release(record, {
            state: 'failed',
            failures,
            lastError: result.retryable ? 'gave up' : 'refused',
          });
          await this.audit('notification.failed', key, 'failure');
          return;
        }
        const backoff = Math.min(300_000, 1_000 * 2 ** (failures - 1)) * (1 + Math.random() * 0.2);
        await this.release(record, { failures, notBefore: this.now() + backoff, lastError: 'transient' });
        return;
      }
    }
  }

  private async release(record: StoredRecord<OutboxItem>, change: Partial<OutboxItem>): Promise<void> {
    const value: OutboxItem = { ...record.value, ...change, claimedBy: undefined, claimedUntil: undefined };
    await this.deps.records.put(OUTBOX, record.key, value, { ifVersion: record.version }).catch((error: unknown) => {
      log.warn({ err: error, key: record.key }, 'could not release an outbox item; its claim will expire');
    });
  }

  private async audit(action: string, subject: string, outcome: 'info' | 'failure'): Promise<void> {
    await this.deps.audit
      .append({ actor: 'system', action, subject, outcome })
      .catch((error: unknown) => log.warn({ err: error }, 'could not audit a delivery outcome'));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
