/**
 * A JobQueue that lives in this process only, with the store queues' observable behaviour (visibility timeout and
 * receipts, delays, ids that are queued once, a poison list after MAX_DELIVERIES deliveries). For a process that
 * must run its own jobs and nobody else's: the scan CLI (its scan is a job like the bot's, but must not be picked
 * up by a running bot) and tests of one part. Time comes from the injected clock, so tests move it instead of
 * sleeping.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { JobReceiptExpiredError, MAX_DELIVERIES, type JobQueue, type QueuedJob } from '../store/ports';

interface Entry {
  id: string;
  type: string;
  /** Kept as JSON, as a store keeps it: a handler never shares an object with whoever queued the job. */
  payload: string;
  visibleAt: number;
  dequeueCount: number;
  receipt?: string;
  seq: number;
}

export class InMemoryJobQueue implements JobQueue {
  private readonly queued = new Map<string, Entry>();
  private readonly poison: Entry[] = [];
  /** Ids ever queued: like the stores, an id is queued once, even after its job completed. */
  private readonly claimed = new Set<string>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  async enqueue<T>(type: string, payload: T, options: { delayMs?: number; id?: string } = {}): Promise<string> {
    const id = options.id ?? randomUUID();
    if (this.claimed.has(id)) return id;
    this.claimed.add(id);
    this.queued.set(id, {
      id,
      type,
      payload: JSON.stringify(payload ?? null),
      visibleAt: this.now() + Math.max(0, options.delayMs ?? 0),
      dequeueCount: 0,
      seq: this.seq++,
    });
    return id;
  }

  async receive(options: { max?: number; visibilityTimeoutMs: number }): Promise<QueuedJob[]> {
    const max = Math.max(1, options.max ?? 1);
    const now = this.now();
    const visible = [...this.queued.values()]
      .filter((e) => e.visibleAt <= now)
      .sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq);
    const jobs: QueuedJob[] = [];
    for (const entry of visible) {
      if (jobs.length >= max) break;
      if (entry.dequeueCount >= MAX_DELIVERIES) {
        this.queued.delete(entry.id);
        entry.receipt = undefined;
        this.poison.push(entry);
        continue;
      }
      entry.dequeueCount++;
      entry.receipt = randomUUID();
      entry.visibleAt = now + Math.max(0, options.visibilityTimeoutMs);
      jobs.push(toJob(entry));
    }
    return jobs;
  }

  async complete(job: QueuedJob): Promise<void> {
    const entry = this.queued.get(job.id);
    if (!entry) return;
    if (entry.receipt !== job.receipt) throw new JobReceiptExpiredError(job.id);
    this.queued.delete(job.id);
  }

  async extend(job: QueuedJob, visibilityTimeoutMs: number): Promise<QueuedJob> {
    const entry = this.queued.get(job.id);
    if (!entry || entry.receipt !== job.receipt) throw new JobReceiptExpiredError(job.id);
    entry.receipt = randomUUID();
    entry.visibleAt = this.now() + Math.max(0, visibilityTimeoutMs);
    return toJob(entry);
  }

  async listPoison(): Promise<QueuedJob[]> {
    return this.poison.map((e) => ({ ...toJob(e), receipt: '' }));
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

function toJob(entry: Entry): QueuedJob {
  return {
    id: entry.id,
    type: entry.type,
    payload: JSON.parse(entry.payload) as unknown,
    dequeueCount: entry.dequeueCount,
    receipt: entry.receipt ?? '',
  };
}
