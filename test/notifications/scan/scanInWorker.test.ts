/**
 * A scan in a worker thread finds exactly what the same scan finds in the bot's thread (its Maps and Sets come back
 * as such), and a worker that cannot start its clients fails the scan with a plain error instead of hanging.
 */
import { loadConfig } from '../../../src/config';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { tenantPortsFor } from '../../../src/clients/tenantPortsFor';
import { scanWorkerFor } from '../../../src/composeScanWorker';
import { scanInWorker, ScanWorkerError } from '../../../src/notifications/scan/scanInWorker';
import { describeScanProgress, type ScanProgress } from '../../../src/notifications/scan/scanProgress';
import { TenantScanner } from '../../../src/notifications/scan/tenantScanner';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator.close());

test('a scan in a worker thread finds what the same scan finds in this thread', async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const options = { now: new Date('2026-12-01T08:00:00Z'), withinDays: 30 };
  const inThread = await new TenantScanner(tenantPortsFor(config, emulator.info).tenant, options).scan();
  const inWorker = await scanInWorker(
    scanWorkerFor({ config, emulatorInfo: emulator.info, trustCaPath: emulator.info.caCertPath }),
    options,
  );

  expect(inWorker.findings.length).toBeGreaterThan(0);
  expect(inWorker.findings).toEqual(inThread.findings);
  expect(inWorker.partial).toEqual(inThread.partial);
  // (jest's sandbox has Set and Map of its own, so ask the object what it is rather than use instanceof)
  expect(Object.prototype.toString.call(inWorker.checkedScopes)).toBe('[object Set]');
  // Sets and Maps fill in the order environments finish: compare their contents, sorted.
  const sorted = <T>(items: Iterable<T>) => [...items].map((x) => JSON.stringify(x)).sort();
  expect(sorted(inWorker.checkedScopes)).toEqual(sorted(inThread.checkedScopes));
  expect(Object.prototype.toString.call(inWorker.scopeOf)).toBe('[object Map]');
  expect(sorted(inWorker.scopeOf)).toEqual(sorted(inThread.scopeOf));
  expect(sorted(inWorker.stakeholders)).toEqual(sorted(inThread.stakeholders));
  expect(sorted(inWorker.makerAlerts)).toEqual(sorted(inThread.makerAlerts));
  expect(sorted(inWorker.users)).toEqual(sorted(inThread.users));
});

test('a worker that cannot build its clients fails the scan with a plain error', async () => {
  // A real-tenant configuration with no credential at all: the worker's clients cannot be built.
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), demoMode: false, TENANT_ID: undefined };
  await expect(scanInWorker(scanWorkerFor({ config }), { now: new Date(), withinDays: 30 })).rejects.toBeInstanceOf(
    ScanWorkerError,
  );
});

test('a scan reports its progress, in this thread and across the worker thread alike', async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const now = new Date('2026-12-01T08:00:00Z');
  const inThread: ScanProgress[] = [];
  const crossed: ScanProgress[] = [];
  await new TenantScanner(tenantPortsFor(config, emulator.info).tenant, {
    now,
    withinDays: 30,
    onProgress: (p) => inThread.push(p),
  }).scan();
  await scanInWorker(scanWorkerFor({ config, emulatorInfo: emulator.info, trustCaPath: emulator.info.caCertPath }), {
    now,
    withinDays: 30,
    onProgress: (p) => crossed.push(p),
  });
  for (const reports of [inThread, crossed]) {
    expect(reports[0]).toEqual({ phase: 'reading', environmentsRead: 0, appsRead: 0, appsComplete: false });
    // Environments counted up to the total, one report each, then the check of the app registrations, then done.
    const total = reports.find((p) => p.environmentsTotal !== undefined)!.environmentsTotal!;
    expect(total).toBe(4);
    const reading = reports.filter((p) => p.phase === 'reading' && p.environmentsTotal !== undefined);
    expect(reading.map((p) => p.environmentsRead)).toEqual(
      expect.arrayContaining(Array.from({ length: total + 1 }, (_, i) => i)),
    );
    expect(reports.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1])).toEqual([
      'reading',
      'checking',
      'done',
    ]);
    const last = reports[reports.length - 1];
    expect(last).toMatchObject({ phase: 'done', environmentsRead: 4, environmentsTotal: 4, appsComplete: true });
    expect(last.appsRead).toBeGreaterThan(0);
    expect(describeScanProgress(reading[1])).toMatch(/^Reading environments: \d of 4 · \d+ app registrations read/);
  }
  expect(crossed[crossed.length - 1]).toEqual(inThread[inThread.length - 1]);
});

test('a progress listener that throws does not cost the scan', async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const scan = await new TenantScanner(tenantPortsFor(config, emulator.info).tenant, {
    now: new Date('2026-12-01T08:00:00Z'),
    withinDays: 30,
    onProgress: () => {
      throw new Error('display broke');
    },
  }).scan();
  expect(scan.findings.length).toBeGreaterThan(0);
});
