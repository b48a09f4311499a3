/**
 * The approvals the multi-instance test and bench work on, made the way people make them: Adele asks why she
 * cannot turn on Stock alerts, presses [Request access] and [Send request]; Megan (the connection's owner) and the
 * admins each get an approval card. Requests go to the bot instances in turn. Also: reading where they stand.
 */
import type { Approval } from '../../src/approvals/approvalRecord';
import type { Store } from '../../src/store/ports';
import type { StubMessage } from './connectorStub';
import { currentCard, hasButton, type TeamsClient, type TeamsUser } from './teamsClient';
import { waitFor } from './waitFor';
import { USERS } from '../../src/emulator/fixture';

export const MEGAN: TeamsUser = { id: USERS.megan.id, displayName: 'Megan Bowen' };
export const ADELE: TeamsUser = { id: USERS.adele.id, displayName: 'Adele Vance' };

/** Makes `count` pending access requests; returns Megan's approval cards for them (oldest first). */
export async function requestAccessTimes(
  teams: TeamsClient,
  botUrls: string[],
  count: number,
  options: { cardsWithinMs?: number } = {},
): Promise<StubMessage[]> {
  const before = new Set(teams.cardsOf(MEGAN).map(({ message }) => message.activityId));
  await teams.say(botUrls[0], MEGAN, 'hi');
  for (let i = 0; i < count; i++) {
    const bot = botUrls[i % botUrls.length];
    const replies = await teams.say(bot, ADELE, "why can't I turn on Stock alerts");
    const diagnosis = replies.find((m) => hasButton(currentCard(m), 'Request access'));
    if (!diagnosis) throw new Error('the diagnosis of Stock alerts has no [Request access] button');
    await teams.press(bot, ADELE, diagnosis, 'Request access');
    const sent = await teams.press(bot, ADELE, diagnosis, 'Send request', { justification: `request ${i}` });
    if (sent.status !== 200) throw new Error(`[Send request] answered ${sent.status}`);
  }
  const cards = () =>
    teams
      .cardsOf(MEGAN)
      .filter(({ message, card }) => !before.has(message.activityId) && hasButton(card, 'Approve'))
      .map(({ message }) => message);
  // The approval cards are proactive messages, delivered from the outbox (within Teams' limits) after the turns.
  await waitFor(() => cards().length >= count, { timeoutMs: options.cardsWithinMs ?? 60_000, what: "Megan's cards" });
  return cards();
}

export async function listApprovals(store: Store): Promise<Approval[]> {
  const list: Approval[] = [];
  for await (const r of store.records.list<Approval>('approvals')) list.push(r.value);
  return list;
}

/** How many times each audit action was recorded. */
export async function auditCounts(store: Store): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const entry of store.audit.list()) counts.set(entry.action, (counts.get(entry.action) ?? 0) + 1);
  return counts;
}
