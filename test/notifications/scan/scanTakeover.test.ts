/**
 * A bot instance killed (SIGKILL) in the middle of a "scan now", and another instance — another OS process on the
 * same Azurite and demo tenant — that runs the scan once the dead one's job visibility and scanner lease have run
 * out, and delivers the digest the admin asked for, once. Before scans were jobs, nobody scanned again until the
 * next day's schedule.
 */
import { SCAN_RUNS } from '../../../src/notifications/scan/scanJobs';
import { startBotInstances, type BotInstances } from '../../support/botInstances';
import type { TeamsUser } from '../../support/teamsClient';
import { waitFor } from '../../support/waitFor';
import { USERS } from '../../../src/emulator/fixture';

const ALEX: TeamsUser = { id: USERS.alex.id, displayName: 'Alex Wilber' };

let instances: BotInstances;

beforeAll(async () => {
  instances = await startBotInstances({
    count: 1,
    // Production: job visibility 60 s, scanner lease 60 s. Shorter (15 s is the shortest Blob lease), so the
    // takeover costs seconds.
    compose: {
      jobRunner: { visibilityTimeoutMs: 4_000 },
      notifications: { scanLeaseTtlMs: 15_000, scanWaitMs: 1_000 },
    },
  });
}, 90_000);

afterAll(async () => {
  await instances?.close();
});

const digestsOf = (user: TeamsUser) =>
  instances.teams.cardsOf(user).filter(({ card }) => /Connection Ops digest/.test(JSON.stringify(card)));

test('an instance killed mid-scan: another instance scans and delivers the digest once', async () => {
  const { teams, control } = instances;
  const [first] = instances.bots;
  await teams.say(first.url, ALEX, 'hi');

  // Power Apps never answers while the first instance scans: the scan is provably under way, and cannot finish,
  // however long a loaded machine takes to get to the kill.
  await control.setFaults('powerApps:timeout=1');
  const before = await control.requestCount('powerApps');
  // In Alex's one-on-one chat the turn streams the scan it started, for as long as it runs there (here: until the
  // kill cuts the turn short), so the request is not awaited before the kill.
  const saying = teams.say(first.url, ALEX, 'scan now').catch(() => []);
  await waitFor(async () => (await control.requestCount('powerApps')) > before, {
    timeoutMs: 15_000,
    what: 'the first instance to start scanning',
  });
  await first.kill();
  await saying;
  await control.setFaults('');
  expect(digestsOf(ALEX)).toEqual([]);
  await instances.startBot();

  await waitFor(() => digestsOf(ALEX).length > 0, { timeoutMs: 60_000, what: "Alex's digest from the survivor" });
  // The scan's record is written just after its digests are queued, and the outbox may send them first.
  await waitFor(async () => (await instances.store.records.get(SCAN_RUNS, 'last')) !== undefined, {
    timeoutMs: 10_000,
    what: 'the finished scan to be recorded',
  });
  // Once: nothing more comes after a while.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(digestsOf(ALEX)).toHaveLength(1);
  expect(instances.stub.unexpected).toEqual([]);
}, 120_000);
