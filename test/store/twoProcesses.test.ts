/**
 * Two bot OS processes on one Azurite and one demo tenant (the emulator in its own process), as two instances
 * behind one Azure Bot: approvals requested through both, then every [Approve] pressed at the same time on both
 * instances. Proves: exactly one decision and one execution per request; every invoke answered with the approved
 * card; and — from what the bots sent to the loopback Teams connector — every copy of every approval card
 * (requester's, owner's, admins') ends showing "done", and the requester is told once per request.
 *
 * Twice: 100 approvals with a connector that accepts everything, and 30 with a connector that enforces Teams'
 * per-conversation limits (7/s, 60/30 s…) and answers 429 beyond them. Each admin's conversation then gets more
 * cards and updates than Teams lets through in 30 s, so the run proves that the outbox waits for the limits and
 * retries after every 429 instead of dropping a card or an update: nothing is lost, nothing is left in the outbox.
 * (100 approvals under the limits would take minutes: 60 messages per 30 s per conversation.)
 * TWO_PROCESS_TEAMS_LIMITS=0 skips the second run; TWO_PROCESS_REQUESTS / TWO_PROCESS_LIMITED_REQUESTS change sizes.
 */
import type { OutboxItem } from '../../src/notifications/delivery/deliveryOutbox';
import { OUTBOX } from '../../src/notifications/delivery/deliveryOutbox';
import { ADELE, auditCounts, listApprovals, MEGAN, requestAccessTimes } from '../support/accessRequests';
import { startBotInstances, type BotInstances } from '../support/botInstances';
import { cardOf, type StubMessage } from '../support/connectorStub';
import { currentCard, type InvokeResult } from '../support/teamsClient';
import { waitFor } from '../support/waitFor';

const REQUESTS = Number(process.env.TWO_PROCESS_REQUESTS ?? 100);
const LIMITED_REQUESTS = Number(process.env.TWO_PROCESS_LIMITED_REQUESTS ?? 30);
const TEAMS_LIMITS = process.env.TWO_PROCESS_TEAMS_LIMITS !== '0';
const DONE = 'Approved by Megan Bowen — done';

describe('without rate limits at the connector', () => {
  approvalsOnTwoProcesses(REQUESTS, { enforceTeamsLimits: false, finalWithinMs: 30_000 });
});

(TEAMS_LIMITS ? describe : describe.skip)("with Teams' limits enforced by the connector (429 beyond them)", () => {
  approvalsOnTwoProcesses(LIMITED_REQUESTS, { enforceTeamsLimits: true, finalWithinMs: 100_000 });
});

function approvalsOnTwoProcesses(
  requests: number,
  options: { enforceTeamsLimits: boolean; finalWithinMs: number },
): void {
  let instances: BotInstances;

  beforeAll(async () => {
    instances = await startBotInstances({
      count: 2,
      enforceTeamsLimits: options.enforceTeamsLimits,
      // Without limits at the connector the bots do not hold back either (the run is about executions).
      compose: { unlimitedDelivery: !options.enforceTeamsLimits },
    });
  }, 90_000);

  afterAll(async () => {
    await instances?.close();
  });

  test(`${requests} approvals pressed on two bot processes at once: one execution each, every card final`, async () => {
    const { teams, stub, bots } = instances;
    const [a, b] = bots;
    // Adele asks `requests` times, alternately through each instance; the admins are reached by new 1:1 chats.
    const toApprove = await requestAccessTimes(teams, [a.url, b.url], requests);
    expect(toApprove).toHaveLength(requests);

    // Megan presses every Approve on both instances at once (a duplicate delivery, or two clicks on two instances).
    const pressed = await Promise.all(
      toApprove.flatMap((message) => [a, b].map((bot) => teams.press(bot.url, MEGAN, message, 'Approve'))),
    );
    expect(pressed.filter((r: InvokeResult) => r.status !== 200 || !r.card)).toEqual([]);
    for (const r of pressed) expect(JSON.stringify(r.card)).toMatch(/Approved by Megan Bowen — (running…|done)/);

    // Every approval ends done, and every message that ever showed one of them shows it done.
    await waitFor(
      async () => (await listApprovals(instances.store)).filter((x) => x.state === 'done').length === requests,
      {
        timeoutMs: 90_000,
        what: 'every approval done',
      },
    );
    const copies = () => approvalMessages(stub.allMessages());
    await waitFor(() => [...copies().values()].every((messages) => messages.every(showsDone)), {
      timeoutMs: options.finalWithinMs,
      what: 'every card copy showing done',
    });
    const byApproval = copies();
    expect(byApproval.size).toBe(requests);
    for (const messages of byApproval.values()) {
      // The requester's card, the owner's (Megan's) and one per admin.
      expect(messages.length).toBeGreaterThanOrEqual(3);
      expect(messages.filter((m) => !showsDone(m)).map((m) => JSON.stringify(currentCard(m)))).toEqual([]);
    }

    // Exactly one decision and one execution per request, and Adele told once per request.
    const audit = await auditCounts(instances.store);
    expect(audit.get('approval.approved')).toBe(requests);
    expect(audit.get('approval.done')).toBe(requests);
    const toldAdele = () =>
      stub
        .messages(`personal-${ADELE.id}`)
        .filter((m) => /^Your request to share/.test(m.versions[0].activity.text ?? '')).length;
    await waitFor(() => toldAdele() >= requests, { timeoutMs: options.finalWithinMs, what: 'Adele told' });
    expect(toldAdele()).toBe(requests);
    expect(stub.unexpected).toEqual([]);

    // Nothing given up on and nothing left: every notification (whatever 429s it met) was delivered.
    await waitFor(async () => (await outboxItems(instances)).length === 0, {
      timeoutMs: options.finalWithinMs,
      what: 'the outbox empty',
    });
    expect(audit.get('notification.failed')).toBeUndefined();
    expect(audit.get('notification.gone')).toBeUndefined();
    if (options.enforceTeamsLimits) {
      // The run went beyond the limits (or it would prove nothing about them): some conversation got more posts and
      // updates than Teams accepts in 30 s, so sends had to wait — and every one of them still arrived (above).
      const sends = new Map<string, number>();
      for (const m of stub.allMessages()) {
        const n = m.versions.filter((v) => v.via !== 'invokeResponse').length;
        sends.set(m.conversationId, (sends.get(m.conversationId) ?? 0) + n);
      }
      expect(Math.max(...sends.values())).toBeGreaterThan(60);
      // One instance at a time sends from the outbox (the outbox-sender lease), so the limits hold for the bot as a
      // whole, not per instance (when each instance kept to them alone, the connector answered 429 some 60–80 times
      // a run). A few 429s remain: the replies of the turns, answered outside the outbox, count against the same
      // conversations, and a send reaches the connector a little after the limiter admitted it. Every message
      // refused was sent again later (all final, outbox empty, above).
    }
  }, 240_000);
}

async function outboxItems(instances: BotInstances): Promise<OutboxItem[]> {
  const items: OutboxItem[] = [];
  for await (const r of instances.store.records.list<OutboxItem>(OUTBOX)) items.push(r.value);
  return items;
}

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
