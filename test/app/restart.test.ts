/**
 * Nothing is lost when the bot restarts on its SQLite file: a pending approval can still be decided, and a
 * rotation approved just before the stop runs to completion after the start. The demo tenant (emulator) stays up,
 * like a real tenant would; the bot's composition is closed and built again on the same DATA_DIR.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CardClicks } from '../../src/app/cardVerbs/cardClicks';
import { ChatSession, type ChatUser } from '../../src/app/chatSession';
import { compose, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { USERS } from '../../src/emulator/fixture';

const user = (id: string, displayName: string, upn: string): ChatUser => ({ id, displayName, userPrincipalName: upn });
const ALEX = user(USERS.alex.id, 'Alex Wilber', 'alexw@example.com');
const MEGAN = user(USERS.megan.id, 'Megan Bowen', 'meganb@example.com');
const ADELE = user(USERS.adele.id, 'Adele Vance', 'adelev@example.com');
const ISAIAH = user(USERS.isaiah.id, 'Isaiah Langer', 'isaiah@example.com');

const said = (value: unknown): string => JSON.stringify(value).replace(/\\"/g, '"');

let emulator: RunningEmulator;
let dataDir: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'restart-'));
});
afterAll(async () => {
  await emulator.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const start = (): Promise<Composition> =>
  compose(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, OLD_SECRET_GRACE_HOURS: '0' }), {
    emulator,
  });

test('a pending approval survives a restart and can be decided; an approved rotation completes after one', async () => {
  // Before the restart: Adele asks for access (pending at Megan), Megan asks for a rotation (pending at Alex).
  const first = await start();
  const before = new ChatSession(first);
  for (const person of [MEGAN, ALEX, ISAIAH]) await before.say(person, 'hi');
  await before.say(ADELE, "why can't I turn on Stock alerts");
  await before.click(ADELE, 'Request access');
  const sent = await before.click(ADELE, 'Send request', { justification: 'Megan is away' });
  expect(sent.notifications.some((n) => n.toUserId === MEGAN.id)).toBe(true);
  await before.say(MEGAN, 'rotate the secret of D365-App-Registration');
  await before.click(MEGAN, 'Send request', { justification: 'expires in 10 days' });
  const cards = before.exportCards();
  await first.close();

  // After the restart: Megan decides the share; Alex approves the rotation, and the bot stops before the job runs.
  const second = await start();
  const after = new ChatSession(second);
  after.importCards(cards);
  const approved = await after.click(MEGAN, 'Approve', { comment: 'ok' });
  expect(said(approved.replies)).toMatch(/Approved by Megan Bowen — done/);
  expect(approved.notifications.some((n) => n.toUserId === ADELE.id && /Shared/.test(n.text))).toBe(true);

  const alexCard = cards[ALEX.id]
    .map((c) => c.card)
    .reverse()
    .find((c) => /Rotate the client secret/.test(JSON.stringify(c)))!;
  const approve = JSON.parse(JSON.stringify(alexCard)).actions.find((a: { title: string }) => a.title === 'Approve');
  const caller = { userId: ALEX.id, tenantId: second.ctx.tenant.tenantId, displayName: ALEX.displayName };
  const decided = await new CardClicks(second.services).click(caller, approve.verb, approve.data);
  expect(said(decided.reply)).toMatch(/Approved by Alex Wilber — running/);
  await second.close(); // the rotation job is queued in SQLite, not run

  // After a second restart the queued rotation runs to the end.
  const third = await start();
  await third.services.background.drain();
  let audit = '';
  for await (const entry of third.ctx.store.audit.list({ subject: 'D365-App-Registration' }))
    audit += `${entry.action}\n`;
  expect(audit).toMatch(/rotation\.done/);
  const app = await third.ctx.tenant.directory.findApplicationByAppId('b0000000-0000-4000-8000-000000000001');
  expect(app?.passwordCredentials).toHaveLength(1);
  expect(app?.passwordCredentials[0].displayName).toMatch(/^ConnectionOps rotation/);
  await third.close();
}, 120_000);
