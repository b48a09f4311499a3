/**
 * The tenant index crosses from the scan's worker thread as bytes (encodeTenantIndex) and is decoded and built a
 * slice at a time on the bot's thread: what arrives is what the scan indexed, and the bot's thread gets its turn
 * between slices.
 */
import { loadConfig } from '../../src/config';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { tenantPortsFor } from '../../src/clients/tenantPortsFor';
import {
  decodeTenantIndex,
  encodeTenantIndex,
  TenantIndex,
  type TenantIndexData,
} from '../../src/connections/tenantIndex';
import { scanWorkerFor } from '../../src/composeScanWorker';
import { scanInWorker } from '../../src/notifications/scan/scanInWorker';
import { TenantScanner } from '../../src/notifications/scan/tenantScanner';
import { USERS } from '../../src/emulator/fixture';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, extraConnectionsFor: { upn: 'meganb@example.com', count: 5000 } });
});
afterAll(() => emulator.close());

const options = { now: new Date('2026-12-01T08:00:00Z'), withinDays: 30 };
// The demo tenant stamps each read of a failing connection's error with the time of the read.
const sorted = <T>(items: T[]) =>
  items.map((x) => JSON.stringify(x).replace(/UTC TimeStamp=[^,]+,/, 'UTC TimeStamp=…,')).sort();

test('the index a worker hands over as bytes is the one the same scan builds in this thread', async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const inThread = (await new TenantScanner(tenantPortsFor(config, emulator.info).tenant, options).scan()).index!;
  const inWorker = await scanInWorker(
    scanWorkerFor({ config, emulatorInfo: emulator.info, trustCaPath: emulator.info.caCertPath }),
    options,
  );
  expect(inWorker.index).toBeUndefined();
  let pauses = 0;
  const decoded = await decodeTenantIndex(inWorker.encodedIndex!, async () => pauses++);

  expect(decoded.connections.length).toBeGreaterThan(5000);
  expect(sorted(decoded.connections)).toEqual(sorted(inThread.connections));
  expect(sorted(decoded.flows)).toEqual(sorted(inThread.flows));
  expect(decoded.appOwners).toEqual(inThread.appOwners);
  expect(decoded.takenAt).toBe(inThread.takenAt);
  // Several slices, not one piece.
  expect(pauses).toBeGreaterThan(1);
}, 60_000);

test("an index is built a slice at a time and finds a maker's connections by owner", async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const data: TenantIndexData = (await new TenantScanner(tenantPortsFor(config, emulator.info).tenant, options).scan())
    .index!;
  let pauses = 0;
  const index = await TenantIndex.build(await decodeTenantIndex(encodeTenantIndex(data)), async () => pauses++);
  expect(pauses).toBeGreaterThan(2);
  const megan = index.connectionsOwnedBy(USERS.megan.id);
  expect(megan.length).toBeGreaterThan(5000);
  expect(megan.every((c) => c.createdBy.id === USERS.megan.id)).toBe(true);
});
