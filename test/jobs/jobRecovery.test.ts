/**
 * The recovery pass of abandoned jobs (JobRunner.recoverAbandoned) on both stores, SQLite and a real Azurite: a job
 * whose last delivery never ended sits on the poison list, and two instances passing over it at once call the
 * handler's recoverAbandoned once between them (the per-job lease); a later pass calls it again, and the handler,
 * finding its work finished, does nothing. No delivery of the job happens again. With more poisoned jobs than one
 * Queue Storage call returns (32), every one of them is listed and recovered, once between two instances.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRunner, type JobHandler } from '../../src/jobs/jobRunner';
import { openAzureStore } from '../../src/store/azure/openAzureStore';
import { MAX_DELIVERIES, type Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import { startAzurite, type RunningAzurite } from '../support/azurite';

const dir = mkdtempSync(join(tmpdir(), 'connection-ops-recovery-'));
let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stores: [string, () => Promise<Store>][] = [
  ['sqlite', async () => openSqliteStore({ file: join(dir, `${randomBytes(4).toString('hex')}.sqlite`) })],
  [
    'azure',
    () =>
      openAzureStore({ connectionString: azurite.connectionString, namePrefix: `r${randomBytes(3).toString('hex')}` }),
  ],
];

/** Hands the job out MAX_DELIVERIES times without completing it (each given back at once), as dead processes do. */
async function abandon(store: Store): Promise<void> {
  await store.jobs.enqueue('repoint.run', { approvalId: 'a1' }, { id: 'approval:a1' });
  for (let i = 0; i < MAX_DELIVERIES; i++) {
    const [job] = await store.jobs.receive({ visibilityTimeoutMs: 60_000 });
    expect(job.dequeueCount).toBe(i + 1);
    await store.jobs.extend(job, 0);
  }
  // The next receive finds it delivered too often and moves it to the poison list.
  expect(await store.jobs.receive({ visibilityTimeoutMs: 60_000 })).toEqual([]);
  expect((await store.jobs.listPoison()).map((j) => j.id)).toEqual(['approval:a1']);
}

/** Poisons `count` jobs at once: each handed out MAX_DELIVERIES times and given back, then moved by a receive. */
async function abandonMany(store: Store, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `approval:m${String(i).padStart(3, '0')}`);
  for (const id of ids) await store.jobs.enqueue('repoint.run', { approvalId: id }, { id });
  for (let i = 0; i < MAX_DELIVERIES; i++) {
    const jobs = await store.jobs.receive({ max: count, visibilityTimeoutMs: 60_000 });
    expect(jobs).toHaveLength(count);
    for (const job of jobs) await store.jobs.extend(job, 0);
  }
  expect(await store.jobs.receive({ max: count, visibilityTimeoutMs: 60_000 })).toEqual([]);
  return ids;
}

describe.each(stores)('on %s', (_name, open) => {
  test('more poisoned jobs than one Queue Storage call returns: each listed, and recovered once by two instances', async () => {
    const store = await open();
    try {
      const ids = await abandonMany(store, 45);
      const listed = (await store.jobs.listPoison()).map((j) => j.id);
      expect([...listed].sort()).toEqual(ids);
      // Listing changes nothing: the next pass (or another instance) sees them all again.
      expect((await store.jobs.listPoison()).map((j) => j.id).sort()).toEqual(ids);

      const worked = new Map<string, number>();
      const finished = new Set<string>();
      const handler: JobHandler<{ approvalId: string }> = {
        run: async () => {
          throw new Error('no delivery is expected');
        },
        recoverAbandoned: async ({ approvalId }) => {
          if (finished.has(approvalId)) return;
          worked.set(approvalId, (worked.get(approvalId) ?? 0) + 1);
          finished.add(approvalId);
        },
      };
      const instances = [new JobRunner({ store }), new JobRunner({ store })];
      for (const runner of instances) runner.register('repoint.run', handler);
      // Two passes at once: between them every job's work is done, each exactly once.
      await Promise.all(instances.map((runner) => runner.recoverAbandoned()));
      expect([...worked.keys()].sort()).toEqual(ids);
      expect([...worked.values()].every((n) => n === 1)).toBe(true);
      // A later pass still reaches every one (past the 32nd too) and finds its work finished.
      expect(await instances[0].recoverAbandoned()).toBe(ids.length);
      expect([...worked.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);

  test('two instances at once recover an abandoned job once; a later pass finds it finished', async () => {
    const store = await open();
    try {
      await abandon(store);
      let finished = false;
      const calls: unknown[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered: () => void = () => undefined;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const handler: JobHandler<{ approvalId: string }> = {
        run: async () => {
          throw new Error('no delivery is expected');
        },
        recoverAbandoned: async (payload) => {
          if (finished) return;
          calls.push(payload);
          entered();
          await gate;
          finished = true;
        },
      };
      const instances = [new JobRunner({ store }), new JobRunner({ store })];
      for (const runner of instances) runner.register('repoint.run', handler);
      const first = instances[0].recoverAbandoned();
      await inside;
      // The second instance passes while the first holds the job: it leaves it.
      expect(await instances[1].recoverAbandoned()).toBe(0);
      release();
      expect(await first).toBe(1);
      expect(calls).toEqual([{ approvalId: 'a1' }]);
      // Later passes (either instance) call the handler again, which finds its work finished.
      expect(await instances[1].recoverAbandoned()).toBe(1);
      expect(calls).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
