/**
 * The one behaviour contract both store adapters must meet. Each adapter's test file calls
 * runStoreConformance with a harness; everything here goes through the public ports only.
 */
import { randomBytes } from 'node:crypto';
import {
  JobReceiptExpiredError,
  MAX_DELIVERIES,
  VersionConflictError,
  type Store,
  type StoreItemsStorage,
} from '../../src/store/ports';
import type { AdjustableClock } from '../../src/clock';

export interface StoreHarness {
  /** Opens a store over the data space `space`: same space = same data (another instance), new space = empty. */
  open(space: string): Promise<Store>;
  /** A lease ttl the adapter honours exactly (Azure blob leases: 15 s minimum). */
  leaseTtlMs: number;
  /**
   * The clock every opened store keeps (SQLite): time passes by moving it. Without one (Azure, whose queue and
   * leases run on the service's clock) it passes by waiting.
   */
  clock?: AdjustableClock;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

let spaces = 0;
const newSpace = () => `s${++spaces}${randomBytes(3).toString('hex')}`;

export function runStoreConformance(name: string, harness: StoreHarness): void {
  const opened: Store[] = [];
  const now = () => (harness.clock ? harness.clock.now().getTime() : Date.now());
  const passTime = async (ms: number) => (harness.clock ? harness.clock.advance(ms) : sleep(ms));
  const open = async (space = newSpace()) => {
    const store = await harness.open(space);
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  describe(`${name}: records`, () => {
    it('returns what was put, with a version, and nothing for a missing key', async () => {
      const { records } = await open();
      const version = await records.put('approvals', 'a1', { state: 'pending', approvers: ['x'] });
      expect(await records.get('approvals', 'a1')).toEqual({
        key: 'a1',
        value: { state: 'pending', approvers: ['x'] },
        version,
      });
      expect(await records.get('approvals', 'missing')).toBeUndefined();
      expect(await records.get('sagas', 'a1')).toBeUndefined();
    });

    it('overwrites without a condition and issues a new version each time', async () => {
      const { records } = await open();
      const v1 = await records.put('c', 'k', { n: 1 });
      const v2 = await records.put('c', 'k', { n: 2 });
      expect(v2).not.toBe(v1);
      expect((await records.get('c', 'k'))?.value).toEqual({ n: 2 });
    });

    it('refuses ifAbsent when the key exists', async () => {
      const { records } = await open();
      await records.put('c', 'k', { n: 1 }, { ifAbsent: true });
      await expect(records.put('c', 'k', { n: 2 }, { ifAbsent: true })).rejects.toBeInstanceOf(VersionConflictError);
      expect((await records.get('c', 'k'))?.value).toEqual({ n: 1 });
    });

    it('lets exactly one of two writers holding the same version win', async () => {
      const space = newSpace();
      const first = await open(space);
      const second = await open(space);
      const version = await first.records.put('approvals', 'a1', { state: 'pending' });
      const results = await Promise.allSettled([
        first.records.put('approvals', 'a1', { state: 'approved' }, { ifVersion: version }),
        second.records.put('approvals', 'a1', { state: 'rejected' }, { ifVersion: version }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(VersionConflictError);
      const winner = results[0].status === 'fulfilled' ? 'approved' : 'rejected';
      expect((await second.records.get('approvals', 'a1'))?.value).toEqual({ state: winner });
    });

    it('loses no update when two instances increment a counter with read-modify-write retries', async () => {
      const space = newSpace();
      const instances = [await open(space), await open(space)];
      await instances[0].records.put('counters', 'c', { n: 0 });
      const increment = async (store: Store) => {
        for (;;) {
          const current = await store.records.get<{ n: number }>('counters', 'c');
          try {
            await store.records.put('counters', 'c', { n: current!.value.n + 1 }, { ifVersion: current!.version });
            return;
          } catch (error) {
            if (!(error instanceof VersionConflictError)) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: 10 }, (_, i) => increment(instances[i % 2])));
      expect((await instances[1].records.get<{ n: number }>('counters', 'c'))?.value.n).toBe(10);
    });

    it('refuses ifVersion after the record was deleted and re-created', async () => {
      const { records } = await open();
      const old = await records.put('c', 'k', { n: 1 });
      await records.delete('c', 'k');
      await expect(records.put('c', 'k', { n: 2 }, { ifVersion: old })).rejects.toBeInstanceOf(VersionConflictError);
      await records.put('c', 'k', { n: 3 });
      await expect(records.put('c', 'k', { n: 4 }, { ifVersion: old })).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('deletes, ignores deleting a missing key, and refuses a delete with a stale version', async () => {
      const { records } = await open();
      const v1 = await records.put('c', 'k', { n: 1 });
      await records.put('c', 'k', { n: 2 });
      await expect(records.delete('c', 'k', { ifVersion: v1 })).rejects.toBeInstanceOf(VersionConflictError);
      const current = await records.get('c', 'k');
      await records.delete('c', 'k', { ifVersion: current!.version });
      expect(await records.get('c', 'k')).toBeUndefined();
      await records.delete('c', 'k');
      await expect(records.delete('c', 'k', { ifVersion: v1 })).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('lists a collection in key order, filtered by prefix and limited', async () => {
      const { records } = await open();
      for (const key of ['user:b', 'conversation:1', 'user:a', 'user:c', 'userx']) {
        await records.put('refs', key, { key });
      }
      await records.put('other', 'user:z', {});
      const keys = async (options?: { prefix?: string; limit?: number }) =>
        (await collect(records.list<{ key: string }>('refs', options))).map((r) => r.key);
      expect(await keys()).toEqual(['conversation:1', 'user:a', 'user:b', 'user:c', 'userx']);
      expect(await keys({ prefix: 'user:' })).toEqual(['user:a', 'user:b', 'user:c']);
      expect(await keys({ prefix: 'user:', limit: 2 })).toEqual(['user:a', 'user:b']);
      expect(await keys({ prefix: 'nobody' })).toEqual([]);
      const [first] = await collect(records.list<{ key: string }>('refs', { limit: 1 }));
      expect(first.value).toEqual({ key: 'conversation:1' });
    });

    it('pages through long listings', async () => {
      const { records } = await open();
      const keys = Array.from({ length: 250 }, (_, i) => `job:${String(i).padStart(4, '0')}`);
      await Promise.all(keys.map((key) => records.put('many', key, { key })));
      const listed = (await collect(records.list('many', { prefix: 'job:' }))).map((r) => r.key);
      expect(listed).toEqual(keys);
    });

    it('keeps keys with characters that some backends reserve', async () => {
      const { records } = await open();
      const keys = ['a/b', 'a\\b', 'a#b', 'a?b', 'a%2Fb', "it's", 'tab\there', 'é日本', ''];
      for (const key of keys) await records.put('odd', key, { key });
      for (const key of keys) expect((await records.get<{ key: string }>('odd', key))?.value.key).toBe(key);
      expect((await collect(records.list('odd', { prefix: 'a/' }))).map((r) => r.key)).toEqual(['a/b']);
      expect((await collect(records.list('odd'))).map((r) => r.key).sort()).toEqual([...keys].sort());
    });

    it('round-trips large documents (1 MB of JSON, and 300 KB that does not compress)', async () => {
      const { records } = await open();
      const big = { rows: Array.from({ length: 10_000 }, (_, i) => ({ id: i, name: `connection-${i}`, ok: true })) };
      expect(JSON.stringify(big).length).toBeGreaterThan(450_000);
      const huge = { text: 'x'.repeat(1_000_000) };
      const noisy = { blob: randomBytes(225_000).toString('base64') };
      await records.put('big', 'b', big);
      await records.put('big', 'h', huge);
      const version = await records.put('big', 'n', noisy);
      expect((await records.get('big', 'b'))?.value).toEqual(big);
      expect((await records.get('big', 'h'))?.value).toEqual(huge);
      expect((await records.get('big', 'n'))?.value).toEqual(noisy);
      // Shrinking a chunked record leaves no stale chunks behind.
      await records.put('big', 'n', { small: true }, { ifVersion: version });
      expect((await records.get('big', 'n'))?.value).toEqual({ small: true });
    });
  });

  describe(`${name}: audit`, () => {
    it('appends entries, stamps the time, and lists them oldest first, filtered', async () => {
      const { audit } = await open();
      const before = new Date(Date.now() - 1000).toISOString();
      await audit.append({
        at: '2025-01-01T10:00:00.000Z',
        actor: 'u1',
        action: 'approval.requested',
        subject: 'app-a',
        outcome: 'info',
      });
      await audit.append({
        at: '2025-01-02T10:00:00.000Z',
        actor: 'u2',
        action: 'approval.approved',
        subject: 'app-b',
        outcome: 'success',
        details: { count: 2, note: null },
      });
      await audit.append({
        actor: 'system',
        action: 'rotation.step.addPassword',
        subject: 'app-a',
        outcome: 'success',
        correlationId: 'c1',
      });

      const all = await collect(audit.list());
      expect(all.map((e) => e.action)).toEqual([
        'approval.requested',
        'approval.approved',
        'rotation.step.addPassword',
      ]);
      expect(all[1]).toEqual({
        at: '2025-01-02T10:00:00.000Z',
        actor: 'u2',
        action: 'approval.approved',
        subject: 'app-b',
        outcome: 'success',
        details: { count: 2, note: null },
      });
      expect(all[2].at >= before).toBe(true);
      expect(all[2].correlationId).toBe('c1');

      expect((await collect(audit.list({ subject: 'app-a' }))).map((e) => e.action)).toEqual([
        'approval.requested',
        'rotation.step.addPassword',
      ]);
      expect((await collect(audit.list({ since: '2025-01-02T10:00:00.000Z' }))).map((e) => e.action)).toEqual([
        'approval.approved',
        'rotation.step.addPassword',
      ]);
      expect(
        (await collect(audit.list({ subject: 'app-a', since: '2025-01-01T12:00:00Z' }))).map((e) => e.action),
      ).toEqual(['rotation.step.addPassword']);
      expect((await collect(audit.list({ limit: 2 }))).map((e) => e.action)).toEqual([
        'approval.requested',
        'approval.approved',
      ]);
    });

    it('keeps every append, in order, and offers no way to change or remove one', async () => {
      const { audit } = await open();
      const entry = { actor: 'u1', action: 'approval.refused', subject: 'app', outcome: 'refused' as const };
      for (let i = 0; i < 5; i++) await audit.append({ ...entry, details: { i } });
      expect((await collect(audit.list())).map((e) => e.details?.i)).toEqual([0, 1, 2, 3, 4]);
      const methods = new Set<string>();
      for (let o: object | null = audit; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
        for (const key of Object.getOwnPropertyNames(o)) methods.add(key);
      }
      expect([...methods].filter((m) => /update|delete|remove|put|clear|set/i.test(m))).toEqual([]);
    });
  });

  describe(`${name}: jobs`, () => {
    it('hands out an enqueued job once and forgets it when completed', async () => {
      const space = newSpace();
      const { jobs } = await open(space);
      const other = await open(space);
      const id = await jobs.enqueue('rotateSecret', { appId: 'app-1', step: 2 });
      const [job, ...rest] = await jobs.receive({ max: 10, visibilityTimeoutMs: 30_000 });
      expect(rest).toEqual([]);
      expect(job).toMatchObject({ id, type: 'rotateSecret', payload: { appId: 'app-1', step: 2 }, dequeueCount: 1 });
      expect(await other.jobs.receive({ max: 10, visibilityTimeoutMs: 30_000 })).toEqual([]);
      await jobs.complete(job);
      await jobs.complete(job); // completing twice is harmless
      await expect(jobs.extend(job, 0)).rejects.toBeInstanceOf(JobReceiptExpiredError);
      expect(await other.jobs.receive({ max: 10, visibilityTimeoutMs: 30_000 })).toEqual([]);
    });

    it('delivers each job to only one of two competing workers', async () => {
      const space = newSpace();
      const a = await open(space);
      const b = await open(space);
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => a.jobs.enqueue('notify', { i })));
      const received = [];
      for (let round = 0; round < 4; round++) {
        const batches = await Promise.all([
          a.jobs.receive({ max: 3, visibilityTimeoutMs: 30_000 }),
          b.jobs.receive({ max: 3, visibilityTimeoutMs: 30_000 }),
        ]);
        received.push(...batches.flat());
      }
      received.push(...(await a.jobs.receive({ max: 12, visibilityTimeoutMs: 30_000 })));
      expect(received.map((j) => j.id).sort()).toEqual([...ids].sort());
    });

    it('re-delivers a job after its visibility timeout with a growing dequeueCount', async () => {
      const { jobs } = await open();
      const id = await jobs.enqueue('scan', {});
      const [first] = await jobs.receive({ visibilityTimeoutMs: 1000 });
      expect(await jobs.receive({ visibilityTimeoutMs: 1000 })).toEqual([]);
      await passTime(1600);
      const [second] = await jobs.receive({ visibilityTimeoutMs: 30_000 });
      expect(second).toMatchObject({ id, dequeueCount: 2 });
      await expect(jobs.complete(first)).rejects.toBeInstanceOf(JobReceiptExpiredError);
      await expect(jobs.extend(first, 30_000)).rejects.toBeInstanceOf(JobReceiptExpiredError);
      const extended = await jobs.extend(second, 30_000);
      await jobs.complete(extended);
      expect(await jobs.listPoison()).toEqual([]);
    });

    it(`moves a job to the poison list after ${MAX_DELIVERIES} deliveries without completion`, async () => {
      const { jobs } = await open();
      const id = await jobs.enqueue('rotateSecret', { appId: 'broken' });
      const counts = [];
      for (let i = 0; i < MAX_DELIVERIES; i++) {
        const [job] = await jobs.receive({ visibilityTimeoutMs: 30_000 });
        counts.push(job.dequeueCount);
        await jobs.extend(job, 0); // give up on it now instead of waiting for the timeout
      }
      expect(counts).toEqual([1, 2, 3, 4, 5]);
      expect(await jobs.receive({ max: 5, visibilityTimeoutMs: 30_000 })).toEqual([]);
      const poison = await jobs.listPoison();
      expect(poison).toHaveLength(1);
      expect(poison[0]).toMatchObject({
        id,
        type: 'rotateSecret',
        payload: { appId: 'broken' },
        dequeueCount: MAX_DELIVERIES,
      });
    });

    it('enqueues a job only once per id, even after it completed', async () => {
      const { jobs } = await open();
      expect(await jobs.enqueue('execute', { n: 1 }, { id: 'approval-42' })).toBe('approval-42');
      expect(await jobs.enqueue('execute', { n: 2 }, { id: 'approval-42' })).toBe('approval-42');
      const received = await jobs.receive({ max: 10, visibilityTimeoutMs: 30_000 });
      expect(received.map((j) => [j.id, j.payload])).toEqual([['approval-42', { n: 1 }]]);
      await jobs.complete(received[0]);
      await jobs.enqueue('execute', { n: 3 }, { id: 'approval-42' });
      expect(await jobs.receive({ max: 10, visibilityTimeoutMs: 30_000 })).toEqual([]);
    });

    it('keeps a delayed job hidden until its delay has passed', async () => {
      const { jobs } = await open();
      const id = await jobs.enqueue('digest', {}, { delayMs: 1000 });
      expect(await jobs.receive({ visibilityTimeoutMs: 30_000 })).toEqual([]);
      await passTime(1600);
      expect((await jobs.receive({ visibilityTimeoutMs: 30_000 })).map((j) => j.id)).toEqual([id]);
    });
  });

  describe(`${name}: leases`, () => {
    it('gives a lease to one owner at a time; re-acquiring by the holder keeps its token', async () => {
      const space = newSpace();
      const a = await open(space);
      const b = await open(space);
      const lease = await a.leases.acquire('scanner', 'instance-a', 30_000);
      expect(lease).toMatchObject({ name: 'scanner', owner: 'instance-a' });
      expect(lease!.expiresAt).toBeGreaterThan(Date.now());
      expect(await b.leases.acquire('scanner', 'instance-b', 30_000)).toBeUndefined();
      expect((await a.leases.acquire('scanner', 'instance-a', 30_000))?.fencingToken).toBe(lease!.fencingToken);
      expect(await b.leases.acquire('saga:1', 'instance-b', 30_000)).toMatchObject({ owner: 'instance-b' });
    });

    it('renews for the holder only', async () => {
      const { leases } = await open();
      const lease = (await leases.acquire('scanner', 'instance-a', 30_000))!;
      const renewed = await leases.renew(lease, 30_000);
      expect(renewed).toMatchObject({ owner: 'instance-a', fencingToken: lease.fencingToken });
      expect(await leases.renew({ ...lease, owner: 'instance-b' }, 30_000)).toBeUndefined();
      expect(await leases.acquire('scanner', 'instance-b', 30_000)).toBeUndefined();
    });

    it('lets another owner take over after release, with a higher fencing token', async () => {
      const space = newSpace();
      const a = await open(space);
      const b = await open(space);
      const lease = (await a.leases.acquire('scanner', 'instance-a', 30_000))!;
      await a.leases.release(lease);
      const taken = await b.leases.acquire('scanner', 'instance-b', 30_000);
      expect(taken!.fencingToken).toBeGreaterThan(lease.fencingToken);
      expect(await a.leases.renew(lease, 30_000)).toBeUndefined();
      await a.leases.release(lease); // a stale release must not free b's lease
      expect(await a.leases.acquire('scanner', 'instance-a', 30_000)).toBeUndefined();
    });

    it(
      'lets another owner take over after expiry, fences the stale holder off',
      async () => {
        const space = newSpace();
        const a = await open(space);
        const b = await open(space);
        const lease = (await a.leases.acquire('saga:9', 'instance-a', harness.leaseTtlMs))!;
        expect(await b.leases.acquire('saga:9', 'instance-b', harness.leaseTtlMs)).toBeUndefined();
        await passTime(lease.expiresAt - now() + 1000);
        const taken = await b.leases.acquire('saga:9', 'instance-b', 30_000);
        expect(taken).toMatchObject({ owner: 'instance-b' });
        expect(taken!.fencingToken).toBeGreaterThan(lease.fencingToken);
        expect(await a.leases.renew(lease, 30_000)).toBeUndefined();
        expect(await a.leases.acquire('saga:9', 'instance-a', 30_000)).toBeUndefined();
        expect(await b.leases.renew(taken!, 30_000)).toMatchObject({ fencingToken: taken!.fencingToken });
      },
      harness.leaseTtlMs + 30_000,
    );
  });

  describe(`${name}: botState`, () => {
    runBotStateConformance(async () => (await open()).botState);
  });

  describe(`${name}: durability`, () => {
    it('keeps records, audit, jobs, leases and bot state across close and reopen', async () => {
      const space = newSpace();
      const first = await harness.open(space);
      const version = await first.records.put('approvals', 'a1', { state: 'pending' });
      await first.audit.append({ actor: 'u1', action: 'approval.requested', subject: 'app', outcome: 'info' });
      const jobId = await first.jobs.enqueue('execute', { approval: 'a1' });
      const lease = (await first.leases.acquire('scanner', 'instance-a', 60_000))!;
      await first.botState.write({ 'conv/1': { count: 1 } });
      await first.ping();
      await first.close();

      const again = await open(space);
      await again.ping();
      expect(await again.records.get('approvals', 'a1')).toEqual({ key: 'a1', value: { state: 'pending' }, version });
      expect((await collect(again.audit.list())).map((e) => e.action)).toEqual(['approval.requested']);
      expect((await again.jobs.receive({ visibilityTimeoutMs: 30_000 })).map((j) => j.id)).toEqual([jobId]);
      expect(await again.leases.acquire('scanner', 'instance-b', 60_000)).toBeUndefined();
      expect(await again.leases.renew(lease, 60_000)).toMatchObject({ fencingToken: lease.fencingToken });
      expect((await again.botState.read(['conv/1']))['conv/1']).toMatchObject({ count: 1 });
    });
  });
}

/** StoreItemsStorage rules, also run against botbuilder's MemoryStorage to prove they are its rules. */
export function runBotStateConformance(create: () => Promise<StoreItemsStorage>): void {
  it('reads only the keys that exist, each with an eTag', async () => {
    const storage = await create();
    expect(await storage.read(['nope'])).toEqual({});
    await storage.write({ 'conv/1': { count: 1, nested: { list: [1, 2] } }, 'user/1': { name: 'A' } });
    const items = await storage.read(['conv/1', 'user/1', 'nope']);
    expect(Object.keys(items).sort()).toEqual(['conv/1', 'user/1']);
    expect(items['conv/1']).toMatchObject({ count: 1, nested: { list: [1, 2] } });
    expect(typeof items['conv/1'].eTag).toBe('string');
    expect(items['conv/1'].eTag).not.toBe(items['user/1'].eTag);
  });

  it('writes with the current eTag, refuses a stale one, and issues a new eTag on every write', async () => {
    const storage = await create();
    await storage.write({ k: { n: 1 } });
    const first = (await storage.read(['k'])).k;
    await storage.write({ k: { ...first, n: 2 } });
    const second = (await storage.read(['k'])).k;
    expect(second.n).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);
    await expect(storage.write({ k: { ...first, n: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['k'])).k.n).toBe(2);
  });

  it('lets "*" and a missing eTag overwrite whatever is stored', async () => {
    const storage = await create();
    await storage.write({ k: { n: 1 } });
    await storage.write({ k: { n: 2, eTag: '*' } });
    expect((await storage.read(['k'])).k.n).toBe(2);
    await storage.write({ k: { n: 3 } });
    expect((await storage.read(['k'])).k.n).toBe(3);
  });

  it('lets exactly one of two writers holding the same eTag win', async () => {
    const storage = await create();
    await storage.write({ k: { n: 0 } });
    const read = (await storage.read(['k'])).k;
    const results = await Promise.allSettled([
      storage.write({ k: { ...read, n: 1 } }),
      storage.write({ k: { ...read, n: 2 } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('deletes items, ignores missing keys, and accepts an eTag write to an absent item', async () => {
    const storage = await create();
    await storage.write({ k: { n: 1 } });
    const old = (await storage.read(['k'])).k;
    await storage.delete(['k', 'never-there']);
    expect(await storage.read(['k'])).toEqual({});
    await storage.write({ k: { ...old, n: 2 } });
    expect((await storage.read(['k'])).k.n).toBe(2);
  });
}
