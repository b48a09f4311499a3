/**
 * "scan now" through the bot (compose() on the demo tenant, the in-process adapter): in a one-on-one chat the turn
 * streams the scan (informative updates, then the finished line as the final message) and no progress card is
 * sent; in a group chat, where Teams does not stream, the turn answers with a message and the progress card
 * (updated in place) shows the scan. Either way the digest (or the "nothing new" note) follows. A stream that hands
 * over mid-scan (its time cap) ends saying so, and the card takes over.
 */
import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import { createBot, type Bot } from '../../src/app/bot';
import { InProcessAdapter, type OutgoingActivity } from '../../src/app/inProcessAdapter';
import { InformativeStream } from '../../src/app/informativeStream';
import { ScanStream, STILL_SCANNING } from '../../src/app/scanStream';
import type { ScanWatcher } from '../../src/notifications/scan/scanWatcher';
import { callerFor, startTestComposition, TENANT_ID, USERS, type TestComposition } from '../support/testComposition';

let t: TestComposition;
let adapter: InProcessAdapter;
let bot: Bot;

beforeAll(async () => {
  t = await startTestComposition();
  adapter = new InProcessAdapter();
  bot = createBot({
    services: t.composition.services,
    adapter,
    attachNotifier: (notifier) => t.composition.attachNotifier(notifier),
  });
}, 60_000);
afterAll(() => t.close());

const alex = USERS.alex;

/** Alex says "scan now" in `conversation`; returns what the turn sent, then what reached his personal chat after. */
async function sayScanNow(conversation: { id: string; conversationType: string; isGroup: boolean }) {
  const start = adapter.outbox.length;
  await adapter.process(
    {
      type: ActivityTypes.Message,
      text: 'scan now',
      channelId: 'msteams',
      from: { id: `29:${alex.id}`, name: alex.displayName, aadObjectId: alex.id },
      recipient: { id: '28:connection-ops', name: 'Connection Ops' },
      conversation: { ...conversation, tenantId: TENANT_ID, name: '' },
      channelData: { tenant: { id: TENANT_ID } },
      locale: 'en-US',
    } as Partial<Activity>,
    (context) => bot.run(context),
  );
  const inTurn = adapter.outbox.slice(start).filter((o) => o.conversationId === conversation.id);
  const afterTurn = adapter.outbox.length;
  // The scan job, then the outbox: what they sent Alex, proactively, in his one-on-one chat with the bot.
  await t.composition.services.background.drain();
  const after = adapter.outbox.slice(afterTurn).filter((o) => o.conversationId === `personal-${alex.id}`);
  return { inTurn: inTurn.map((o) => o.activity), after };
}

const streamTypeOf = (a: Partial<Activity>) => (a.channelData as { streamType?: string } | undefined)?.streamType;
const cardTitle = (o: OutgoingActivity) =>
  ((o.activity.attachments?.[0]?.content as { body?: { text?: string }[] } | undefined)?.body ?? [])[0]?.text;
const isProgressCard = (o: OutgoingActivity) => /^(Scanning the tenant|Tenant scan finished)$/.test(cardTitle(o) ?? '');
const isDigestOrNote = (o: OutgoingActivity) => /^(Connection Ops digest|Scan finished)/.test(o.activity.text ?? '');

test('in a one-on-one chat the turn streams the scan, then the digest follows; no progress card', async () => {
  const { inTurn, after } = await sayScanNow({
    id: `personal-${alex.id}`,
    conversationType: 'personal',
    isGroup: false,
  });

  const informative = inTurn.filter((a) => streamTypeOf(a) === 'informative');
  const final = inTurn.filter((a) => streamTypeOf(a) === 'final');
  expect(informative.length).toBeGreaterThanOrEqual(1);
  expect(informative[0].text).toMatch(/^Scanning the tenant now/);
  for (const update of informative.slice(1)) expect(update.text).toMatch(/^(Reading|Checking)/);
  expect(final).toHaveLength(1);
  expect(final[0].text).toBe('Tenant scan complete: 4 environments and 8 app registrations read. Your digest follows.');
  // The final message ends the turn, and every part of the stream carries the stream's id.
  expect(inTurn[inTurn.length - 1]).toBe(final[0]);
  expect(new Set(inTurn.map((a) => a.id)).size).toBe(1);

  // The stream showed the scan, so no progress card; the digest (or the "nothing new" note) came after it.
  expect(after.filter(isProgressCard)).toEqual([]);
  expect(after.some(isDigestOrNote)).toBe(true);
}, 60_000);

test('in a group chat the turn answers with a message and the progress card shows the scan', async () => {
  const { inTurn, after } = await sayScanNow({
    id: '19:group-chat@thread.v2',
    conversationType: 'groupChat',
    isGroup: true,
  });

  expect(inTurn.filter((a) => streamTypeOf(a) !== undefined)).toEqual([]);
  expect(inTurn.map((a) => a.text)).toEqual([expect.stringMatching(/^Scanning the tenant now/)]);

  const cards = after.filter(isProgressCard);
  expect(cards.length).toBeGreaterThanOrEqual(1);
  // One card, updated in place: a first send, then updates of that message, ending with the finished scan.
  expect(cards[0].kind).toBe('send');
  for (const later of cards.slice(1)) {
    expect(later).toMatchObject({ kind: 'update', activity: { id: cards[0].activity.id } });
  }
  const last = cards[cards.length - 1];
  expect(cardTitle(last)).toBe('Tenant scan finished');
  expect(last.activity.text).toBe('Tenant scan complete: 4 environments and 8 app registrations read.');
  expect(after.findIndex(isDigestOrNote)).toBeGreaterThan(after.indexOf(last));
}, 60_000);

// Alex's one-on-one conversation is known from the first test's turn, so the card reaches that same conversation.
test('a stream that hands over mid-scan ends saying so, and the progress card shows the rest, then the digest', async () => {
  const conversationId = `personal-${alex.id}`;
  const start = adapter.outbox.length;
  const context = new TurnContext(adapter, {
    type: ActivityTypes.Message,
    text: 'scan now',
    channelId: 'msteams',
    from: { id: `29:${alex.id}`, name: alex.displayName, aadObjectId: alex.id },
    recipient: { id: '28:connection-ops', name: 'Connection Ops' },
    conversation: { id: conversationId, conversationType: 'personal', isGroup: false, tenantId: TENANT_ID, name: '' },
    serviceUrl: 'https://inprocess.invalid/',
  } as Activity);
  const scan = new ScanStream(new InformativeStream(context));
  // The scan's first report is the event on which the turn gives up streaming (as at its time cap).
  const watcher: ScanWatcher = {
    get watching() {
      return scan.watching;
    },
    onQueued: () => scan.onQueued(),
    onProgress: (progress) => {
      scan.onProgress(progress);
      scan.handOver();
    },
    onStopped: () => scan.onStopped(),
    settled: () => scan.settled(),
  };
  const reply = await t.composition.services.notifications.scanNow(callerFor('alex'), watcher);
  expect(await scan.answer(reply)).toBe(true);
  await t.composition.services.background.drain();
  // The card may already be on its way while the turn ends its stream: everything since the request, in order.
  const mine = adapter.outbox.slice(start).filter((o) => o.conversationId === conversationId);
  const streamed = mine.filter((o) => streamTypeOf(o.activity) !== undefined).map((o) => o.activity);
  const after = mine.filter((o) => streamTypeOf(o.activity) === undefined);

  expect(streamed.map(streamTypeOf).at(-1)).toBe('final');
  expect(streamed.at(-1)?.text).toBe(STILL_SCANNING);
  const cards = after.filter(isProgressCard);
  expect(cards.length).toBeGreaterThanOrEqual(1);
  expect(cardTitle(cards[cards.length - 1])).toBe('Tenant scan finished');
  expect(after.findIndex(isDigestOrNote)).toBeGreaterThan(after.indexOf(cards[cards.length - 1]));
}, 60_000);
