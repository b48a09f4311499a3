/**
 * Two bot OS processes on one Azurite and one demo tenant (the emulator in its own process), as two instances
 * behind one Azure Bot: 100 approvals requested through both, then every [Approve] pressed at the same time on
 * both instances. Proves: exactly 100 decisions and 100 executions; every invoke answered with the approved card;
 * and — from what the bots sent to the loopback Teams connector — every copy of every approval card (requester's,
 * owner's, admins') ends showing "done", and the requester is told once per request.
 */
import { ADELE, auditCounts, listApprovals, MEGAN, requestAccessTimes } from '../support/accessRequests';
import { startBotInstances, type BotInstances } from '../support/botInstances';
import { cardOf, type StubMessage } from '../support/connectorStub';
import { currentCard, type InvokeResult } from '../support/teamsClient';
import { waitFor } from '../support/waitFor';

const REQUESTS = Number(process.env.TWO_PROCESS_REQUESTS ?? 100);
// Off by default: with the connector enforcing Teams' per-conversation limits, card updates beyond them are lost
// today (the approval notifier does not go through the rate-limited outbox). Set to 1 to see it.
const TEAMS_LIMITS = process.env.TWO_PROCESS_TEAMS_LIMITS === '1';
const DONE = 'Approved by Megan Bowen — done';

let instances: BotInstances;

beforeAll(async () => {
  instances = await startBotInstances({ count: 2, enforceTeamsLimits: TEAMS_LIMITS });
}, 90_000);

afterAll(async () => {
  await instances?.close();
});

test(`${REQUESTS} approvals pressed on two bot processes at once: one execution each, every card final`, async () => {
  const { teams, stub, bots } = instances;
  const [a, b] = bots;
  // Adele asks REQUESTS times, alternately through each instance; the admins are reached by new 1:1 chats.
  const toApprove = await requestAccessTimes(teams, [a.url, b.url], REQUESTS);
  expect(toApprove).toHaveLength(REQUESTS);

  // Megan presses every Approve on both instances at once (a duplicate delivery, or two clicks on two instances).
  const pressed = await Promise.all(
    toApprove.flatMap((message) => [a, b].map((bot) => teams.press(bot.url, MEGAN, message, 'Approve'))),
  );
  expect(pressed.filter((r: InvokeResult) => r.status !== 200 || !r.card)).toEqual([]);
  for (const r of pressed) expect(JSON.stringify(r.card)).toMatch(/Approved by Megan Bowen — (running…|done)/);

  // Every approval ends done, and every message that ever showed one of them shows it done.
  await waitFor(
    async () => (await listApprovals(instances.store)).filter((x) => x.state === 'done').length === REQUESTS,
    {
      timeoutMs: 90_000,
      what: 'every approval done',
    },
  );
  const copies = () => approvalMessages(stub.allMessages());
  await waitFor(() => [...copies().values()].every((messages) => messages.every(showsDone)), {
    timeoutMs: 30_000,
    what: 'every card copy showing done',
  });
  const byApproval = copies();
  expect(byApproval.size).toBe(REQUESTS);
  for (const messages of byApproval.values()) {
    // The requester's card, the owner's (Megan's) and one per admin.
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages.filter((m) => !showsDone(m)).map((m) => JSON.stringify(currentCard(m)))).toEqual([]);
  }

  // Exactly one decision and one execution per request, and Adele told once per request.
  const audit = await auditCounts(instances.store);
  expect(audit.get('approval.approved')).toBe(REQUESTS);
  expect(audit.get('approval.done')).toBe(REQUESTS);
  const told = stub
    .messages(`personal-${ADELE.id}`)
    .filter((m) => /^Your request to share/.test(m.versions[0].activity.text ?? ''));
  expect(told).toHaveLength(REQUESTS);
  expect(stub.unexpected).toEqual([]);
}, 240_000);

/** Messages that showed an approval at some point (its id is on the card's buttons), grouped by approval id. */
function approvalMessages(messages: StubMessage[]): Map<string, StubMessage[]> {
  const out = new Map<string, StubMessage[]>();
  for (const message of messages) {
    const ids = new Set<string>();
    for (const version of message.versions) {
      const text = JSON.stringify(cardOf(version.activity) ?? {});
      // The approval id is the draft id: the requester's confirmation carries draftId, approver cards approvalId.
      for (const m of text.matchAll(/"(?:approvalId|draftId)":"([^"]+)"/g)) ids.add(m[1]);
    }
    for (const id of ids) out.set(id, [...(out.get(id) ?? []), message]);
  }
  return out;
}

function showsDone(message: StubMessage): boolean {
  return JSON.stringify(currentCard(message) ?? {}).includes(DONE);
}
