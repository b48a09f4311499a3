/**
 * Two bot instances on one Azure Storage (a real Azurite) and one demo tenant: 100 pending approvals, each Approve
 * pressed at the same time on both instances → exactly 100 decisions, 100 executions, and every approval record in
 * its final state. The instances are two compositions in one test process (separate stores, job runners and
 * adapters; the only thing they share is Azure Storage) — not two OS processes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CardClicks } from '../../src/app/cardVerbs/cardClicks';
import { ChatSession, type ChatUser } from '../../src/app/chatSession';
import { compose, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { SlidingWindowLimiter } from '../../src/notifications/delivery/slidingWindowLimiter';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { USERS } from '../../src/emulator/fixture';

const MEGAN: ChatUser = {
  id: USERS.megan.id,
  displayName: 'Megan Bowen',
  userPrincipalName: 'meganb@example.com',
};
const ADELE: ChatUser = {
  id: USERS.adele.id,
  displayName: 'Adele Vance',
  userPrincipalName: 'adelev@example.com',
};
const REQUESTS = Number(process.env.TWO_INSTANCE_REQUESTS ?? 100);

let emulator: RunningEmulator;
let azurite: RunningAzurite;
const instances: Composition[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  [emulator, azurite] = await Promise.all([startEmulator({ port: 0 }), startAzurite()]);
  for (let i = 0; i < 2; i++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `instance-${i}-`));
    dirs.push(dataDir);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      STORAGE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
    // This test is about executions, not delivery: the cards go to an in-process adapter without Teams' limits
    // (a hundred cards to Megan would take minutes under them; twoProcesses.test.ts covers delivery under them).
    const unlimited = new SlidingWindowLimiter({ perKey: [], global: [] });
    instances.push(await compose(config, { emulator, notifications: { limiter: unlimited } }));
  }
}, 60_000);

afterAll(async () => {
  for (const instance of instances) await instance.close().catch(() => undefined);
  await emulator?.close();
  await azurite?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test(`${REQUESTS} approvals pressed concurrently on two instances execute exactly once each`, async () => {
  const [a, b] = instances;
  const onA = new ChatSession(a);
  await onA.say(MEGAN, 'hi');

  // REQUESTS pending approvals, all created on instance A; Megan has one approval card per request.
  const approvalCards: unknown[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    await onA.say(ADELE, "why can't I turn on Stock alerts");
    await onA.click(ADELE, 'Request access');
    const sent = await onA.click(ADELE, 'Send request', { justification: `request ${i}` });
    const toMegan = sent.notifications.find((n) => n.toUserId === MEGAN.id);
    expect(toMegan).toBeDefined();
    approvalCards.push(toMegan!.cards[0]);
  }

  // Megan presses every Approve on both instances at once (as duplicate deliveries or two clicks would).
  const press = (instance: Composition, card: unknown) => {
    const action = (card as { actions: { title: string; verb: string; data: Record<string, unknown> }[] }).actions.find(
      (x) => x.title === 'Approve',
    )!;
    const caller = { userId: MEGAN.id, tenantId: instance.ctx.tenant.tenantId, displayName: MEGAN.displayName };
    return new CardClicks(instance.services).click(caller, action.verb, action.data);
  };
  await Promise.all(approvalCards.flatMap((card) => [press(a, card), press(b, card)]));
  await Promise.all([a.services.background.drain(), b.services.background.drain()]);

  const actions: string[] = [];
  for await (const entry of a.ctx.store.audit.list()) actions.push(entry.action);
  const count = (name: string) => actions.filter((x) => x === name).length;
  expect(count('approval.approved')).toBe(REQUESTS);
  expect(count('approval.done')).toBe(REQUESTS);

  // Every approval record is in its final state.
  let final = 0;
  for await (const record of a.ctx.store.records.list<{ state: string }>('approvals')) {
    if (record.value.state === 'done') final++;
  }
  expect(final).toBe(REQUESTS);
}, 300_000);
