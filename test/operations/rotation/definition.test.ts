/**
 * The rotation kind through the bot: when the connection switch fails, the saga only returns its outcome and the
 * approvals layer tells people once — the requester one message, each admin one message, every card copy updated.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatTurn, type ChatUser } from '../../../src/app/chatSession';
import { compose, type Composition } from '../../../src/compose';
import { loadConfig } from '../../../src/config';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { chatUser } from '../../support/chatUsers';

const MEGAN = chatUser('megan');
const ALEX = chatUser('alex');
const ISAIAH = chatUser('isaiah');
const LYNNE = chatUser('lynne');

const textsTo = (turn: ChatTurn, user: ChatUser): string[] =>
  turn.notifications.filter((n) => n.toUserId === user.id && n.text).map((n) => n.text);

let emulator: RunningEmulator;
let dataDir: string;
let composition: Composition;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotation-kind-'));
});
afterAll(async () => {
  await composition?.close();
  await emulator.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a rotation that needs attention: one message to the requester, one to each admin', async () => {
  composition = await compose(
    loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, OLD_SECRET_GRACE_HOURS: '0' }),
    { emulator },
  );
  const session = new ChatSession(composition);
  for (const user of [MEGAN, ALEX, ISAIAH, LYNNE]) await session.say(user, 'hi');
  await session.say(MEGAN, 'rotate the secret of D365-App-Registration');
  await session.click(MEGAN, 'Send request', { justification: 'expires in 10 days' });

  emulator.control.setFaults('powerPlatform.updateConnection:error=1:500');
  const approved = await session.click(ALEX, 'Approve');
  emulator.control.setFaults('');

  const toMegan = textsTo(approved, MEGAN);
  expect(toMegan).toHaveLength(1);
  expect(toMegan[0]).toMatch(
    /^Your request to rotate the secret of D365-App-Registration: The rotation needs attention: both secrets were kept\. These connections could not be switched/,
  );
  // Lynne is an admin but no approver: the one message she gets is the one that tells her.
  const toLynne = textsTo(approved, LYNNE);
  expect(toLynne).toHaveLength(1);
  expect(toLynne[0]).toMatch(/^Megan Bowen's request to rotate the secret of D365-App-Registration: .*needs attention/);
  // Alex, who clicked, is both: his card shows it and he gets the admins' message once (in his own chat).
  expect(approved.replies.filter((r) => /needs attention/.test(r.text))).toHaveLength(1);
  // Isaiah, an approver only, sees it on his card.
  expect(textsTo(approved, ISAIAH)).toEqual([]);
  const isaiahCard = JSON.stringify(session.exportCards()[ISAIAH.id]?.at(-1)?.card);
  expect(isaiahCard).toMatch(/needs attention/);
  expect(isaiahCard).toMatch(/Retry the switch/);
}, 90_000);
