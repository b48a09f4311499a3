/**
 * The step list after a crash: a bot instance killed with SIGKILL while its rotation waits for Entra to accept the
 * new secret, and another instance (another OS process on the same Azurite and demo tenant) that takes the saga
 * over. The cards go on from the recorded step: every version the survivor sends shows the secret created and
 * stored (✓), never the saga starting again from the top, and the last version is the final card.
 */
import type { Approval } from '../../../src/approvals/approvalRecord';
import { startBotInstances, type BotInstances } from '../../support/botInstances';
import type { StubMessage } from '../../support/connectorStub';
import { currentCard, hasButton, type TeamsUser } from '../../support/teamsClient';
import { waitFor } from '../../support/waitFor';

const ALEX: TeamsUser = { id: '00000000-0000-0000-0000-0000000000020', displayName: 'Alex Wilber' };
const MEGAN: TeamsUser = { id: '00000000-0000-0000-0000-0000000000021', displayName: 'Megan Bowen' };
const APP = 'D365-App-Registration';

let instances: BotInstances;

beforeAll(async () => {
  instances = await startBotInstances({
    count: 1,
    // Every step's update is let through, so the test sees each one (the throttle has its own test).
    env: { OLD_SECRET_GRACE_HOURS: '0', PROGRESS_CARD_SECONDS: '0' },
    compose: {
      jobRunner: { visibilityTimeoutMs: 8_000 },
      rotation: { leaseTtlMs: 15_000, verify: { timeoutMs: 60_000, initialDelayMs: 200, maxDelayMs: 1_000 } },
    },
  });
}, 90_000);

afterAll(async () => {
  await instances?.close();
});

const stepLines = (version: StubMessage['versions'][number]): string[] =>
  [...JSON.stringify(version.activity).matchAll(/"text":"([✓▶⏳○✗][^"]*)"/g)].map((m) => m[1]);

test('killed while waiting for Entra: the next instance updates the cards from the recorded step on', async () => {
  const { teams, control, stub } = instances;
  const [first] = instances.bots;

  // Entra accepts the new secret only 25 s after it was added: the saga waits in the verify step meanwhile.
  await control.setFaults('token:propagation=25000');
  await teams.say(first.url, ALEX, 'hi');
  const [confirm] = await teams.say(first.url, MEGAN, `rotate the secret of ${APP}`);
  await teams.press(first.url, MEGAN, confirm, 'Send request', { justification: 'crash progress test' });
  await waitFor(() => teams.cardsOf(ALEX).some(({ card }) => hasButton(card, 'Approve')), {
    timeoutMs: 15_000,
    what: "Alex's approval card",
  });
  const alexCard = teams.cardsOf(ALEX).find(({ card }) => hasButton(card, 'Approve'))!;
  await teams.press(first.url, ALEX, alexCard.message, 'Approve');

  const waitingLine = /^⏳ Waiting for Entra to accept the new secret — \d+ s so far, the bot waits up to 1 min$/;
  const message = (): StubMessage =>
    teams.cardsOf(ALEX).find((c) => c.message.activityId === alexCard.message.activityId)!.message;
  await waitFor(
    () => (message().versions.at(-1) ? stepLines(message().versions.at(-1)!).some((l) => waitingLine.test(l)) : false),
    {
      timeoutMs: 30_000,
      what: "Alex's card to say the rotation waits for Entra",
    },
  );
  const seenBeforeKill = message().versions.length;
  expect(stepLines(message().versions[seenBeforeKill - 1]).slice(0, 2)).toEqual([
    '✓ Create a new client secret',
    '✓ Store it in Key Vault',
  ]);

  await instances.startBot();
  await first.kill();

  await waitFor(
    async () => {
      for await (const r of instances.store.records.list<Approval>('approvals'))
        if (r.value.state !== 'done') return false;
      return true;
    },
    { timeoutMs: 120_000, what: 'the approval to be done on the surviving instance' },
  );
  await waitFor(() => /Approved by Alex Wilber — done/.test(JSON.stringify(currentCard(message()))), {
    timeoutMs: 30_000,
    what: "Alex's card to show done",
  });

  const after = message()
    .versions.slice(seenBeforeKill)
    .map(stepLines)
    .filter((lines) => lines.length > 0);
  expect(after.length).toBeGreaterThanOrEqual(1);
  for (const lines of after) {
    expect(lines.slice(0, 2)).toEqual(['✓ Create a new client secret', '✓ Store it in Key Vault']);
  }
  expect(after.at(-1)).toEqual([
    '✓ Create a new client secret',
    '✓ Store it in Key Vault',
    '✓ Check that Microsoft Entra accepts it',
    '✓ Switch the connections to the new secret',
    '✓ Remove the old secret',
  ]);
  expect(stub.unexpected).toEqual([]);
}, 240_000);
