/**
 * compose() hands its clock to the store: a test that moves the bot's clock moves the job queue's and the leases'
 * time too, so nothing in a test has to sleep for a delay, a visibility timeout or a lease to run out.
 */
import { startTestComposition, type TestComposition } from './support/testComposition';

let t: TestComposition;
beforeAll(async () => {
  t = await startTestComposition();
});
afterAll(() => t.close());

test('a delayed job becomes visible when the bot clock reaches it, not before', async () => {
  const { jobs } = t.ctx.store;
  const id = await jobs.enqueue('compose-clock-check', {}, { delayMs: 60_000 });
  expect(await jobs.receive({ visibilityTimeoutMs: 1_000 })).toEqual([]);
  t.clock.advance(60_001);
  const [job] = await jobs.receive({ visibilityTimeoutMs: 1_000 });
  expect(job?.id).toBe(id);
  await jobs.complete(job);
});

test('a lease runs out when the bot clock passes its expiry', async () => {
  const { leases } = t.ctx.store;
  expect(await leases.acquire('compose-clock-check', 'first', 60_000)).toBeDefined();
  expect(await leases.acquire('compose-clock-check', 'second', 60_000)).toBeUndefined();
  t.clock.advance(60_001);
  expect(await leases.acquire('compose-clock-check', 'second', 60_000)).toMatchObject({ owner: 'second' });
});
