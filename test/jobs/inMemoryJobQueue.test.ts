/**
 * The job queue in memory (the scan CLI's) behaves as the store queues do: a receive hides a job for the visibility
 * timeout under a fresh receipt, a stale receipt cannot complete or extend it, delays hold a job back, an id is
 * queued once, and a job handed out MAX_DELIVERIES times moves to the poison list. Time is the injected clock's.
 */
import { InMemoryJobQueue } from '../../src/jobs/inMemoryJobQueue';
import { JobReceiptExpiredError, MAX_DELIVERIES } from '../../src/store/ports';

/** A clock that only moves when the test moves it. */
let nowMs: number;
const advance = (ms: number) => {
  nowMs += ms;
};
let queue: InMemoryJobQueue;

beforeEach(() => {
  nowMs = Date.parse('2026-12-01T08:00:00Z');
  queue = new InMemoryJobQueue({ now: () => new Date(nowMs) });
});

test('hands a job out once per visibility timeout, each time under a new receipt', async () => {
  const id = await queue.enqueue('scan', { scanId: 's1' });
  const [first, ...rest] = await queue.receive({ max: 10, visibilityTimeoutMs: 1_000 });
  expect(rest).toEqual([]);
  expect(first).toMatchObject({ id, type: 'scan', payload: { scanId: 's1' }, dequeueCount: 1 });
  expect(await queue.receive({ visibilityTimeoutMs: 1_000 })).toEqual([]);

  advance(1_000);
  const [second] = await queue.receive({ visibilityTimeoutMs: 1_000 });
  expect(second.dequeueCount).toBe(2);
  await expect(queue.complete(first)).rejects.toBeInstanceOf(JobReceiptExpiredError);
  await expect(queue.extend(first, 1_000)).rejects.toBeInstanceOf(JobReceiptExpiredError);

  const extended = await queue.extend(second, 5_000);
  advance(4_000);
  expect(await queue.receive({ visibilityTimeoutMs: 1_000 })).toEqual([]);
  await queue.complete(extended);
  await queue.complete(extended); // twice is harmless
  advance(10_000);
  expect(await queue.receive({ visibilityTimeoutMs: 1_000 })).toEqual([]);
});

test('keeps a delayed job back until its time, and queues an id once, even after it completed', async () => {
  await queue.enqueue('scan', { n: 1 }, { id: 'tick-08:00', delayMs: 2_000 });
  expect(await queue.enqueue('scan', { n: 2 }, { id: 'tick-08:00' })).toBe('tick-08:00');
  expect(await queue.receive({ visibilityTimeoutMs: 1_000 })).toEqual([]);
  advance(2_000);
  const [job] = await queue.receive({ max: 10, visibilityTimeoutMs: 1_000 });
  expect(job.payload).toEqual({ n: 1 });
  await queue.complete(job);
  await queue.enqueue('scan', { n: 3 }, { id: 'tick-08:00' });
  expect(await queue.receive({ visibilityTimeoutMs: 1_000 })).toEqual([]);
});

test('moves a job handed out MAX_DELIVERIES times to the poison list', async () => {
  const id = await queue.enqueue('scan', { broken: true });
  for (let i = 0; i < MAX_DELIVERIES; i++) {
    const [job] = await queue.receive({ visibilityTimeoutMs: 1_000 });
    expect(job.dequeueCount).toBe(i + 1);
    await queue.extend(job, 0); // given back at once
  }
  expect(await queue.receive({ max: 5, visibilityTimeoutMs: 1_000 })).toEqual([]);
  expect((await queue.listPoison()).map((j) => ({ id: j.id, deliveries: j.dequeueCount }))).toEqual([
    { id, deliveries: MAX_DELIVERIES },
  ]);
});

test('hands out jobs in the order they became visible, and a copy of their payload', async () => {
  const payload = { list: [1] };
  await queue.enqueue('a', payload, { delayMs: 10 });
  await queue.enqueue('b', {});
  payload.list.push(2);
  advance(10);
  const jobs = await queue.receive({ max: 10, visibilityTimeoutMs: 1_000 });
  expect(jobs.map((j) => j.type)).toEqual(['b', 'a']);
  expect(jobs[1].payload).toEqual({ list: [1] });
});
