/**
 * What the bot invites people to say — the help card's buttons and the Teams command list — is understood as the
 * request it stands for, even sent as it is (a command the person did not finish gets a picker, not an article).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { helpReply } from '../../src/app/helpCard';
import { planMessage } from '../../src/app/planner/localPlanner';
import { NameIndex } from '../../src/understanding';

const names = new NameIndex([
  { type: 'flow', name: 'Weekly report' },
  { type: 'app', name: 'D365-App-Registration' },
  { type: 'user', name: 'Adele Vance', aliases: [{ text: 'Adele', when: 'capitalised' }] },
]);
const understood = async (text: string) => (await planMessage(text, { names })).understood.intent;

test('the help card’s buttons send requests understood as what their titles say', async () => {
  const card = helpReply({ demoMode: true }).cards[0] as unknown as {
    actions: { title: string; data: { text: string } }[];
  };
  const intents = await Promise.all(card.actions.map((a) => understood(a.data.text)));
  expect(intents).toEqual(['showMyConnections', 'diagnoseFlow', 'expiringSecrets', 'healthReport', 'question']);
});

test('every command of the Teams command list is understood, and none is answered with an article', async () => {
  const manifest = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '..', '..', 'appPackage', 'manifest.json'), 'utf8'),
  );
  const commands = manifest.bots[0].commandLists[0].commands as { title: string }[];
  const intents = await Promise.all(commands.map((c) => understood(c.title)));
  expect(intents).toEqual([
    'help',
    'showMyConnections',
    'diagnoseFlow',
    'expiringSecrets',
    'healthReport',
    'requestRotation',
    'requestShare',
    'subscribe',
    'audit',
  ]);
});
