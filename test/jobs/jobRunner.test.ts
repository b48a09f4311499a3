/**
 * The job runner against the real SQLite store: drain semantics, retries through the visibility timeout, giving
 * up after the last attempt, delayed jobs, dedupe by id, and stop() finishing in-flight work.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdjustableClock } from '../../src/clock';
import { JobRunner, type JobHandler } from '../../src/jobs/jobRunner';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import type { AuditEntry, Store } from '../../src/store/ports';

const VISIBILITY_MS = 300;

let dir: string;
let store: Store;
/** The store's clock: a failed job comes back once it has moved past the visibility timeout. */
let clock: AdjustableClock;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-'));
  clock = new AdjustableClock();
  store = openSqliteStore({ file: path.join(dir, 'store.sqlite'), clock });
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const runner = () => new JobRunner({ store }, { visibilityTimeoutMs: VISIBILITY_MS, idleMinMs: 20, idleMaxMs: 50 });

async function auditActions(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of store.audit.list()) out.push(entry);
  return out;
}

test('drain runs every visible job once and then returns', async () => {
  const jobs = runner();
  const seen: number[] = [];
  jobs.register<{ n: number }>('count', async ({ n }) => {
    seen.push(n);
  });
  for (let n = 0; n < 7; n++) await jobs.enqueue('count', { n });

  await jobs.drain();
  await jobs.drain();

  expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
});

test('jobs enqueued by a job are run by the same drain', async () => {
  const jobs = runner();
  const seen: string[] = [];
  jobs.register('first', async () => {
    seen.push('first');
    await jobs.enqueue('second', {});
  });
  jobs.register('second', async () => {
    seen.push('second');
  });
  await jobs.enqueue('first', {});

  await jobs.drain();

  expect(seen).toEqual(['first', 'second']);
});

test('a job enqueued twice with the same id runs once', async () => {
  const jobs = runner();
  let runs = 0;
  jobs.register('once', async () => {
    runs++;
  });
  await jobs.enqueue('once', {}, { id: 'approval:1' });
  await jobs.enqueue('once', {}, { id: 'approval:1' });

  await jobs.drain();

  expect(runs).toBe(1);
});

test('a failed job is handed out again after the visibility timeout and succeeds', async () => {
  const jobs = runner();
  const attempts: number[] = [];
  jobs.register('flaky', async (_payload, job) => {
    attempts.push(job.attempt);
    if (job.attempt === 1) throw new Error('transient');
  });
  await jobs.enqueue('flaky', {});

  await jobs.drain();
  expect(attempts).toEqual([1]);
  clock.advance(VISIBILITY_MS + 1);
  await jobs.drain();

  expect(attempts).toEqual([1, 2]);
  expect((await auditActions()).map((e) => e.action)).toEqual(['job.failed']);
});

test('after the last attempt fails, onGiveUp records the outcome once and the job stops', async () => {
  const jobs = runner();
  const gaveUp: number[] = [];
  jobs.register('broken', {
    run: async () => {
      throw new Error('always');
    },
    onGiveUp: async (_payload, _error, job) => {
      gaveUp.push(job.attempt);
    },
  });
  await jobs.enqueue('broken', {});

  for (let i = 0; i < 7; i++) {
    await jobs.drain();
    clock.advance(VISIBILITY_MS + 1);
  }

  expect(gaveUp).toEqual([5]);
  const actions = (await auditActions()).map((e) => e.action);
  expect(actions.filter((a) => a === 'job.failed')).toHaveLength(4);
  expect(actions.filter((a) => a === 'job.gaveUp')).toHaveLength(1);
});

test('drain leaves delayed jobs; the polling loop runs them when due; stop waits for the job in flight', async () => {
  const jobs = runner();
  const done: string[] = [];
  let release!: () => void;
  const started = new Promise<void>((resolve) => {
    jobs.register('later', async () => {
      resolve();
      await new Promise<void>((r) => (release = r));
      done.push('later');
    });
  });
  await jobs.enqueue('later', {}, { delayMs: 200 });

  await jobs.drain();
  expect(done).toEqual([]);

  clock.advance(200);
  jobs.start();
  await started;
  const stopped = jobs.stop();
  release();
  await stopped;

  expect(done).toEqual(['later']);
});

test('a job whose last delivery was abandoned is recovered once from the poison list; a finished one is left', async () => {
  let finished = false;
  const recovered: number[] = [];
  const handler: JobHandler<unknown> = {
    run: async () => {
      throw new Error('in passing');
    },
    onGiveUp: async () => {
      throw new Error('the process died before recording it');
    },
    recoverAbandoned: async (_payload, job) => {
      if (finished) return;
      recovered.push(job.attempt);
      finished = true;
    },
  };
  const jobs = runner();
  jobs.register('turnsThingsOff', handler);
  await jobs.enqueue('turnsThingsOff', {});
  for (let i = 0; i < 7; i++) {
    await jobs.drain();
    clock.advance(VISIBILITY_MS + 1);
  }
  expect(await store.jobs.listPoison()).toHaveLength(1);
  expect(recovered).toEqual([5]);
  // Another process's pass calls the handler again, which finds its work finished.
  const other = runner();
  other.register('turnsThingsOff', handler);
  expect(await other.recoverAbandoned()).toBe(1);
  expect(recovered).toEqual([5]);
});
