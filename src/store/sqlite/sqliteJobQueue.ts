/**
 * JobQueue on SQLite with the same observable behaviour as Azure Queues: a receive hides each job for the
 * visibility timeout and hands out a fresh receipt, and a job found visible after MAX_DELIVERIES deliveries is
 * moved to the poison list instead of being delivered again.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../clock';
import { getLogger } from '../../logging/logger';
import { JobReceiptExpiredError, MAX_DELIVERIES, type JobQueue, type QueuedJob } from '../ports';
import { toJson } from '../toJson';
import { newVersion } from './newVersion';

const log = getLogger('store.jobs');

interface JobRow {
  seq: number;
  id: string;
  type: string;
  payload: string;
  dequeue_count: number;
}

export class SqliteJobQueue implements JobQueue {
  private readonly claimIdStmt: Database.Statement<[string]>;
  private readonly insertStmt: Database.Statement<[string, string, string, number]>;
  private readonly visibleStmt: Database.Statement<[number, number], JobRow>;
  private readonly poisonStmt: Database.Statement<[number]>;
  private readonly hideStmt: Database.Statement<[number, string, number]>;
  private readonly completeStmt: Database.Statement<[string, string]>;
  private readonly existsStmt: Database.Statement<[string], { poisoned: number }>;
  private readonly extendStmt: Database.Statement<[number, string, string, string]>;
  private readonly poisonListStmt: Database.Statement<[], JobRow>;
  private readonly enqueueTx: Database.Transaction<
    (id: string, type: string, payload: string, visibleAt: number) => void
  >;
  private readonly receiveTx: Database.Transaction<(max: number, visibilityTimeoutMs: number) => QueuedJob[]>;

  /** `clock` decides when delayed and hidden jobs become visible, so tests move time instead of waiting. */
  constructor(
    db: Database.Database,
    private readonly clock: Clock = systemClock,
  ) {
    this.claimIdStmt = db.prepare('INSERT INTO job_ids (id) VALUES (?) ON CONFLICT DO NOTHING');
    this.insertStmt = db.prepare('INSERT INTO jobs (id, type, payload, visible_at) VALUES (?, ?, ?, ?)');
    this.visibleStmt = db.prepare(
      `SELECT seq, id, type, payload, dequeue_count FROM jobs
       WHERE poisoned = 0 AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?`,
    );
    this.poisonStmt = db.prepare('UPDATE jobs SET poisoned = 1, receipt = NULL WHERE seq = ?');
    this.hideStmt = db.prepare(
      'UPDATE jobs SET visible_at = ?, receipt = ?, dequeue_count = dequeue_count + 1 WHERE seq = ?',
    );
    this.completeStmt = db.prepare('DELETE FROM jobs WHERE id = ? AND receipt = ? AND poisoned = 0');
    this.existsStmt = db.prepare('SELECT poisoned FROM jobs WHERE id = ?');
    this.extendStmt = db.prepare(
      'UPDATE jobs SET visible_at = ?, receipt = ? WHERE id = ? AND receipt = ? AND poisoned = 0',
    );
    this.poisonListStmt = db.prepare(
      'SELECT seq, id, type, payload, dequeue_count FROM jobs WHERE poisoned = 1 ORDER BY seq',
    );

    this.enqueueTx = db.transaction((id: string, type: string, payload: string, visibleAt: number) => {
      if (this.claimIdStmt.run(id).changes === 0) return;
      this.insertStmt.run(id, type, payload, visibleAt);
    });

    this.receiveTx = db.transaction((max: number, visibilityTimeoutMs: number) => {
      const now = this.clock.now().getTime();
      const jobs: QueuedJob[] = [];
      for (;;) {
        const wanted = max - jobs.length;
        const rows = this.visibleStmt.all(now, wanted);
        let poisoned = 0;
        for (const row of rows) {
          if (row.dequeue_count >= MAX_DELIVERIES) {
            this.poisonStmt.run(row.seq);
            poisoned++;
            log.warn(
              { jobId: row.id, jobType: row.type, deliveries: row.dequeue_count },
              'job moved to the poison list',
            );
            continue;
          }
          const receipt = newVersion();
          this.hideStmt.run(now + visibilityTimeoutMs, receipt, row.seq);
          jobs.push({ ...toJob(row), dequeueCount: row.dequeue_count + 1, receipt });
        }
        // Poisoned rows took slots: look again while more visible rows may be waiting.
        if (poisoned === 0 || rows.length < wanted) return jobs;
      }
    });
  }

  async enqueue<T>(type: string, payload: T, options: { delayMs?: number; id?: string } = {}): Promise<string> {
    const id = options.id ?? randomUUID();
    const json = toJson(payload, `job ${type}`);
    this.enqueueTx.immediate(id, type, json, this.clock.now().getTime() + Math.max(0, options.delayMs ?? 0));
    return id;
  }

  async receive(options: { max?: number; visibilityTimeoutMs: number }): Promise<QueuedJob[]> {
    const max = Math.max(1, options.max ?? 1);
    return this.receiveTx.immediate(max, Math.max(0, options.visibilityTimeoutMs));
  }

  async complete(job: QueuedJob): Promise<void> {
    if (this.completeStmt.run(job.id, job.receipt).changes > 0) return;
    const row = this.existsStmt.get(job.id);
    // Gone (already completed) is fine; still queued under another receipt means another worker owns it now.
    if (row && row.poisoned === 0) throw new JobReceiptExpiredError(job.id);
  }

  async extend(job: QueuedJob, visibilityTimeoutMs: number): Promise<QueuedJob> {
    const receipt = newVersion();
    const visibleAt = this.clock.now().getTime() + Math.max(0, visibilityTimeoutMs);
    if (this.extendStmt.run(visibleAt, receipt, job.id, job.receipt).changes === 0) {
      throw new JobReceiptExpiredError(job.id);
    }
    return { ...job, receipt };
  }

  async listPoison(): Promise<QueuedJob[]> {
    return this.poisonListStmt.all().map((row) => ({ ...toJob(row), dequeueCount: row.dequeue_count, receipt: '' }));
  }
}

function toJob(row: JobRow): Omit<QueuedJob, 'dequeueCount' | 'receipt'> {
  return { id: row.id, type: row.type, payload: JSON.parse(row.payload) as unknown };
}
