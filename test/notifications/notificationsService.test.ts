/**
 * The notifications service against the demo-tenant emulator, the real clients and a real SQLite store: the
 * dry run's findings and recipients, once-only notification across scans and restarts, the next threshold after
 * the clock moves, a partial scan, the scanner lease, and the subscription commands.
 */
import { InMemoryJobQueue } from '../../src/jobs/inMemoryJobQueue';
import { JobRunner } from '../../src/jobs/jobRunner';
import { NotificationsService } from '../../src/notifications/notificationsService';
import { ScanAlreadyRunningError, SCANNER_LEASE } from '../../src/notifications/scan/scanLease';
import type { ScanResult } from '../../src/notifications/scan/scanResult';
import type { Store } from '../../src/store/ports';
import { cardClicker } from '../support/cardClicks';
import { callerFor, startTestComposition, type TestComposition } from '../support/testComposition';
import { LimitEnforcingSink } from '../support/limitEnforcingSink';
import { USERS } from '../../src/emulator/fixture';

const DAY = 86_400_000;
const ALEX = `user:${USERS.alex.id}`;
const LYNNE = `user:${USERS.lynne.id}`;
const MEGAN = `user:${USERS.megan.id}`;

/** Scans are jobs: each service gets a runner of its own on a queue in memory, drained by runScan. */
const jobsOn = (store: Store, domain: TestComposition) =>
  new JobRunner({ store: { jobs: new InMemoryJobQueue(domain.clock), audit: store.audit } });

function itemsOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string' && /^\*\*(NEW|WORSE)\*\*/.test(o.text)) out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('proactive notifications on the demo tenant', () => {
  let domain: TestComposition;
  let sink: LimitEnforcingSink;
  let jobs: JobRunner;
  let service: NotificationsService;
  let dryRun: ScanResult;

  beforeAll(async () => {
    domain = await startTestComposition();
    sink = new LimitEnforcingSink();
    jobs = jobsOn(domain.ctx.store, domain);
    service = new NotificationsService(domain.ctx, sink, jobs);
    dryRun = await service.runScan({ dryRun: true });
  });
  afterAll(async () => {
    service.stopSchedule();
    await domain.close();
  });

  it('finds what the demo tenant is known for', () => {
    const find = (kind: string, subject: RegExp) =>
      dryRun.findings.find((f) => f.kind === kind && subject.test(f.subject));
    expect(find('credential-expiring', /^D365-App-Registration$/)).toMatchObject({ daysLeft: 10 });
    const lunch = find('credential-expiring', /^Lunch-Order-App$/);
    expect(lunch).toMatchObject({ daysLeft: 20 });
    expect(lunch?.why).toMatch(/certificate/);
    expect(find('credential-expired', /^CoE-Sync-SP$/)?.why).toMatch(/Error/);
    const coeConnection = dryRun.findings.find((f) => f.kind === 'connection-error' && /CoE-Sync-SP/.test(f.why));
    expect(coeConnection?.action).toMatchObject({ verb: 'rotation.request' });
    const leeGu = dryRun.findings.filter((f) => f.kind === 'connection-owner-disabled' && f.owner === 'Lee Gu');
    expect(leeGu.some((f) => f.environment === 'Contoso PROD' && /Vendor onboarding|Nightly export/.test(f.why))).toBe(
      true,
    );
    expect(find('appuser-system-administrator', /^D365-App-Registration$/)).toMatchObject({
      environment: 'Contoso PROD',
    });
    expect(dryRun.partial).toEqual([]);
  });

  it('would send the digest to Alex and Lynne and a note to Megan about her broken connection', async () => {
    const to = dryRun.deliveries.map((d) => d.to).sort();
    expect(to).toEqual(expect.arrayContaining(['alexw@example.com', 'lynner@example.com', 'meganb@example.com']));
    const megan = dryRun.deliveries.find((d) => d.to === 'meganb@example.com');
    expect(JSON.stringify(megan?.cards)).toMatch(/SharePoint/);
    expect(JSON.stringify(megan?.cards)).not.toMatch(/Legacy-Integration/); // not hers: no tenant-wide findings
    const alex = dryRun.deliveries.find((d) => d.to === 'alexw@example.com');
    // Everything is new to Alex the first time: all of it, the first page now and [Show more] for the rest.
    expect(alex?.text).toContain(`${dryRun.findings.length} new`);
    expect(itemsOf(alex?.cards).length).toBeGreaterThan(0);
    expect(JSON.stringify(alex?.cards)).toContain('digest.page');
    // A dry run changes nothing.
    expect(await service.outbox.pending()).toHaveLength(0);
  });

  it('notifies once: a second scan sends nothing new, even from a restarted instance', async () => {
    const first = await service.runScan();
    expect(first.deliveries.length).toBe(dryRun.deliveries.length);
    await service.drainDeliveries();
    expect(sink.received.get(ALEX)).toHaveLength(1);
    expect(sink.received.get(LYNNE)).toHaveLength(1);
    expect(sink.received.get(MEGAN)).toHaveLength(1);
    const sentBefore = sink.total;

    expect((await service.runScan()).deliveries).toEqual([]);

    const restartedProcess = await domain.restart();
    const restarted = new NotificationsService(restartedProcess.ctx, sink, jobsOn(restartedProcess.ctx.store, domain));
    expect((await restarted.runScan()).deliveries).toEqual([]);
    await restarted.drainDeliveries();
    await service.drainDeliveries();
    expect(sink.total).toBe(sentBefore);
  });

  it('tells again exactly once when D365-App-Registration crosses the 7-day threshold', async () => {
    domain.emulator.control.advanceClock(4 * DAY);
    domain.clock.advance(4 * DAY);
    const result = await service.runScan();
    expect(
      result.findings.find((f) => f.subject === 'D365-App-Registration' && f.kind === 'credential-expiring'),
    ).toMatchObject({ daysLeft: 6 });
    const tenantDigests = result.deliveries.filter((d) => d.to !== 'meganb@example.com');
    expect(tenantDigests.map((d) => d.to).sort()).toEqual(['alexw@example.com', 'lynner@example.com']);
    for (const digest of tenantDigests) {
      const items = itemsOf(digest.cards);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatch(/WORSE.*D365-App-Registration/);
    }
    await service.drainDeliveries();
    expect(sink.received.get(ALEX)).toHaveLength(2);
    expect((await service.runScan()).deliveries).toEqual([]);
  });

  it('lists what a partial scan could not check and declares nothing there fixed', async () => {
    domain.emulator.control.setFaults('dataverse:error=1:503');
    try {
      const result = await service.runScan();
      expect(result.partial.some((p) => /Contoso PROD/.test(p))).toBe(true);
      expect(result.partial.join(' ')).toMatch(/connection references|application users/);
      // The app user and reference findings were not seen this time, but they are not "resolved" either.
      expect(result.deliveries.filter((d) => /resolved/i.test(d.text))).toEqual([]);
    } finally {
      domain.emulator.control.setFaults('');
    }
  });

  it('runs one scan at a time and takes over the lease of a crashed scan', async () => {
    const held = await domain.ctx.store.leases.acquire(SCANNER_LEASE, 'other-instance', 60_000);
    expect(held).toBeDefined();
    await expect(service.runScan()).rejects.toBeInstanceOf(ScanAlreadyRunningError);
    await domain.ctx.store.leases.release(held!);
    // A crashed scan: it took the lease and never renewed it.
    await domain.ctx.store.leases.acquire(SCANNER_LEASE, 'crashed-instance', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(service.runScan()).resolves.toBeDefined();
  });

  it('answers "scan now" at once when a scan is already running, and forgets digests after 30 days', async () => {
    const held = await domain.ctx.store.leases.acquire(SCANNER_LEASE, 'other-instance', 60_000);
    expect((await service.scanNow(callerFor('alex'))).text).toMatch(/already running/);
    await domain.ctx.store.leases.release(held!);

    const records = domain.ctx.store.records;
    await records.put('notificationDigests', '2000-01-01T00:00:00.000Z-old|user:x', { id: 'old' });
    await records.put('notificationLedger', 'delivered|user:x|old', { at: '2000-01-01T00:00:00.000Z' });
    await service.runScan();
    expect(await records.get('notificationDigests', '2000-01-01T00:00:00.000Z-old|user:x')).toBeUndefined();
    expect(await records.get('notificationLedger', 'delivered|user:x|old')).toBeUndefined();
  });

  it('lets people choose thresholds, unsubscribe, and admins subscribe channels and scan now', async () => {
    const adele = callerFor('adele');
    expect((await service.subscribe(adele, { thresholds: [14, 3] })).text).toMatch(/14 and 3 days/);
    expect((await service.subscriptions.getUser(adele.userId))?.thresholds).toEqual([14, 3]);
    expect((await service.unsubscribe(adele)).text).toMatch(/Unsubscribed/);
    expect((await service.subscriptions.getUser(adele.userId))?.active).toBe(false);
    expect((await service.subscribeChannel(adele, 'conversation:19:ops@thread')).text).toMatch(/Only/);
    expect((await service.scanNow(adele)).text).toMatch(/Only/);

    const alex = callerFor('alex');
    await service.subscribeChannel(alex, 'conversation:19:ops@thread');
    expect((await service.scanNow(alex)).text).toMatch(/Scanning/);
    await jobs.drain();
    await service.drainDeliveries();
    // The channel had heard nothing yet, so it gets the whole picture once.
    expect(sink.received.get('conversation:19:ops@thread')).toHaveLength(1);
  });

  it('pages a digest on [Show more] for its recipient only', async () => {
    const alex = callerFor('alex');
    const digestId = [...(await listDigestIds())].find((id) => id.endsWith(ALEX));
    expect(digestId).toBeDefined();
    const click = cardClicker({ ctx: domain.ctx, notifications: service });
    const page = await click(alex, 'digest.page', { digestId, page: 1 });
    expect(page.reply.cards[0]).toMatchObject({ type: 'AdaptiveCard' });
    const adele = await click(callerFor('adele'), 'digest.page', { digestId, page: 1 });
    expect(adele.reply.text).toMatch(/someone else/);
    expect((await click(alex, 'digest.page', { page: 1 })).reply.text).toMatch(/no longer available/);
  });

  it('schedules the scan from SCAN_CRON in SCAN_TIMEZONE', () => {
    service.startSchedule();
    const next = service.nextScheduledScan();
    expect(next).toBeInstanceOf(Date);
    // Default "0 8 * * *" in UTC: the next run is at 08:00 UTC.
    expect(next?.getUTCHours()).toBe(8);
    expect(next?.getUTCMinutes()).toBe(0);
    service.stopSchedule();
    expect(service.nextScheduledScan()).toBeUndefined();
  });

  async function listDigestIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const r of domain.ctx.store.records.list('notificationDigests')) ids.push(r.key);
    return ids;
  }
});
