/**
 * "scan now" and the schedule's ticks run as durable jobs, so a scan survives the instance that started it: an
 * instance that received the job, took the scanner lease and died leaves both to run out; another instance then
 * gets the job again, waits while the dead lease lasts, scans under the same scan id and delivers the digest once.
 * A request that a scan started after it has already answered is done without scanning again.
 */
import type { Reply } from '../../../src/cards/reply';
import { InMemoryJobQueue } from '../../../src/jobs/inMemoryJobQueue';
import { JobRunner } from '../../../src/jobs/jobRunner';
import { NotificationsService } from '../../../src/notifications/notificationsService';
import { SCAN_JOB, SCAN_RUNS, ScanJobs, type ScanJob } from '../../../src/notifications/scan/scanJobs';
import { ScanAlreadyRunningError, SCANNER_LEASE } from '../../../src/notifications/scan/scanLease';
import type { ScanTenant } from '../../../src/notifications/scan/scanAndNotify';
import { callerFor, startTestComposition, type TestComposition } from '../../support/testComposition';
import { LimitEnforcingSink } from '../../support/limitEnforcingSink';
import { waitFor } from '../../support/waitFor';
import { USERS } from '../../../src/emulator/fixture';

const ALEX = `user:${USERS.alex.id}`;
/** The requester's scan progress card (its updates) as opposed to the digest and notes. */
const isProgress = (reply: Reply) => /^(Reading |Checking |Tenant scan complete:)/.test(reply.text ?? '');
const digestsAndNotes = (replies: Reply[] | undefined) => (replies ?? []).filter((r) => !isProgress(r));

describe('tenant scans as durable jobs', () => {
  let domain: TestComposition;
  let sink: LimitEnforcingSink;
  let jobs: JobRunner;
  let service: NotificationsService;

  beforeAll(async () => {
    domain = await startTestComposition();
    sink = new LimitEnforcingSink();
    jobs = new JobRunner(domain.ctx, { visibilityTimeoutMs: 400 });
    service = new NotificationsService(domain.ctx, sink, jobs, { scanWaitMs: 100 });
  });
  afterAll(async () => {
    await jobs.stop();
    await domain.close();
  });

  const runWorkers = async () => {
    await jobs.drain();
    await service.drainDeliveries();
  };

  it('takes over a scan whose instance died, and delivers its digest once', async () => {
    const reply = await service.scanNow(callerFor('alex'));
    expect(reply.text).toMatch(/Scanning the tenant now/);

    // The instance that queued it received it, took the lease… and died: no completion, no renewal.
    const [taken] = await domain.ctx.store.jobs.receive({ max: 1, visibilityTimeoutMs: 300 });
    expect(taken.type).toBe(SCAN_JOB);
    expect(await domain.ctx.store.leases.acquire(SCANNER_LEASE, 'dead-instance', 700)).toBeDefined();
    await runWorkers();
    expect(sink.received.get(ALEX)).toBeUndefined();

    // The survivor gets the job once its visibility runs out, waits for the dead lease, then scans.
    domain.clock.advance(1_000);
    await waitFor(
      async () => {
        await runWorkers();
        return digestsAndNotes(sink.received.get(ALEX)).length > 0;
      },
      { timeoutMs: 15_000, what: "Alex's digest from the survivor" },
    );
    const last = await domain.ctx.store.records.get<{ scanId: string; startedAt: string }>(SCAN_RUNS, 'last');
    expect(last?.value.scanId).toBe((taken.payload as { scanId: string }).scanId);

    // Nothing more arrives, even once every visibility and delay has run out, and nothing is left in the queue.
    domain.clock.advance(1_000);
    await runWorkers();
    expect(digestsAndNotes(sink.received.get(ALEX))).toHaveLength(1);
    // Alex watched the survivor's scan on one card, ending complete, before the digest.
    const received = sink.received.get(ALEX)!;
    expect(received[received.length - 1]).toBe(digestsAndNotes(received)[0]);
    expect(received.filter(isProgress).pop()?.text).toMatch(/^Tenant scan complete: 4 environments/);
    expect(await domain.ctx.store.jobs.receive({ max: 10, visibilityTimeoutMs: 1 })).toEqual([]);
    expect(await domain.ctx.store.jobs.listPoison()).toEqual([]);
  });

  it('tells the admin who asked when a scan finds nothing new for them, instead of going silent', async () => {
    const before = digestsAndNotes(sink.received.get(ALEX)).length;
    expect((await service.scanNow(callerFor('alex'))).text).toMatch(/Scanning the tenant now/);
    await runWorkers();
    const replies = digestsAndNotes(sink.received.get(ALEX));
    expect(replies).toHaveLength(before + 1);
    const note = replies[replies.length - 1];
    expect(note.text).toMatch(/Scan finished: nothing new or changed for you since your last digest/);
    expect(note.text).toMatch(/\d+ findings are still open; say "health report"/);
    expect(note.cards ?? []).toEqual([]);
  });

  it('does not scan again for a request that a later scan has already answered', async () => {
    const last = (await domain.ctx.store.records.get<{ startedAt: string }>(SCAN_RUNS, 'last'))!.value;
    const before = domain.emulator.control.requestCount('powerApps');
    const earlier = new Date(Date.parse(last.startedAt) - 1_000).toISOString();
    await jobs.enqueue(SCAN_JOB, { scanId: `${earlier}-late`, requestedAt: earlier });
    await runWorkers();
    expect(domain.emulator.control.requestCount('powerApps')).toBe(before);
    expect((await domain.ctx.store.records.get<{ scanId: string }>(SCAN_RUNS, 'last'))?.value.scanId).not.toBe(
      `${earlier}-late`,
    );

    // A request after that scan does scan.
    const now = domain.clock.now().toISOString();
    await jobs.enqueue(SCAN_JOB, { scanId: `${now}-next`, requestedAt: now });
    await runWorkers();
    expect(domain.emulator.control.requestCount('powerApps')).toBeGreaterThan(before);
    expect((await domain.ctx.store.records.get<{ scanId: string }>(SCAN_RUNS, 'last'))?.value.scanId).toBe(
      `${now}-next`,
    );
  });
  /** The scan CLI's set-up: its own runner on a queue in memory, whose clock the test moves. */
  const cliOnItsOwnQueue = (scan?: ScanTenant) => {
    let offsetMs = 0;
    const queue = new InMemoryJobQueue({ now: () => new Date(Date.now() + offsetMs) });
    const cliJobs = new JobRunner({ store: { jobs: queue, audit: domain.ctx.store.audit } });
    const cli = new NotificationsService(domain.ctx, sink, cliJobs, scan ? { scan } : {});
    return { cli, queue, later: (ms: number) => (offsetMs += ms) };
  };

  it("runs the scan CLI's scan as a job too: it fails at once while another scan holds the lease, and a dry run needs no lease", async () => {
    const { cli, queue, later } = cliOnItsOwnQueue();
    const lastBefore = await domain.ctx.store.records.get(SCAN_RUNS, 'last');
    const held = await domain.ctx.store.leases.acquire(SCANNER_LEASE, 'other-instance', 60_000);
    try {
      await expect(cli.runScan()).rejects.toBeInstanceOf(ScanAlreadyRunningError);
      const dryRun = await cli.runScan({ dryRun: true });
      expect(dryRun.findings.length).toBeGreaterThan(0);
    } finally {
      await domain.ctx.store.leases.release(held!);
    }
    // It did not queue itself to wait for the lease, and neither run counts as the tenant's last scan.
    later(60_000);
    expect(await queue.receive({ max: 10, visibilityTimeoutMs: 1 })).toEqual([]);
    expect(await domain.ctx.store.records.get(SCAN_RUNS, 'last')).toEqual(lastBefore);
  });

  it("hands a failed CLI scan's error to the CLI rather than back to a queue nobody drains", async () => {
    const { cli, queue, later } = cliOnItsOwnQueue(async () => {
      throw new Error('the tenant could not be read');
    });
    await expect(cli.runScan({ dryRun: true })).rejects.toThrow('the tenant could not be read');
    later(10 * 60_000);
    expect(await queue.receive({ max: 10, visibilityTimeoutMs: 1 })).toEqual([]);
    expect(await queue.listPoison()).toEqual([]);
  });
  it("queues one scan per schedule tick, however many instances' schedules fire", async () => {
    const at = new Date('2026-12-05T08:00:27.512Z');
    const clock = { now: () => at };
    const queue = new InMemoryJobQueue(clock);
    const notScanning = { run: () => Promise.reject(new Error('no scan runs in this test')) };
    const instances = [1, 2, 3].map(
      () =>
        new ScanJobs(
          { ...domain.ctx, clock },
          new JobRunner({ store: { jobs: queue, audit: domain.ctx.store.audit } }),
          notScanning,
          domain.notifier,
          () => undefined,
        ),
    );
    await Promise.all(instances.map((instance) => instance.queueScheduledScan()));
    const queued = await queue.receive({ max: 10, visibilityTimeoutMs: 60_000 });
    expect(queued).toHaveLength(1);
    const tick = '2026-12-05T08:00:00.000Z';
    expect(queued[0]).toMatchObject({ type: SCAN_JOB, payload: { scanId: `${tick}-scheduled`, requestedAt: tick } });
    expect((queued[0].payload as ScanJob).requestedBy).toBeUndefined();
  });
});
