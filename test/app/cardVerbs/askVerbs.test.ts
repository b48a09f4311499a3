/**
 * The buttons that ask in words (chat.ask), one card kind at a time, through the test composition and the chat
 * client's in-process adapter (teams-ai, the verb catalogue, the demo tenant, SQLite): a click is answered exactly
 * as typing the button's text is — same understanding, same answer, same permissions, the caller taken from the
 * activity and never from the card — and the chat shows what was asked.
 */
import { createBot } from '../../../src/app/bot';
import { ChatSession, type ChatMessage, type ChatTurn, type ChatUser } from '../../../src/app/chatSession';
import { InProcessAdapter } from '../../../src/app/inProcessAdapter';
import type { AdaptiveCard } from '../../../src/cards/renderCard';
import type { Finding } from '../../../src/connections/findings';
import { buildDigest, digestPage } from '../../../src/notifications/delivery/digest';
import { startTestComposition, USERS, type DemoUser, type TestComposition } from '../../support/testComposition';

let bot: TestComposition;
let chat: ChatSession;

beforeAll(async () => {
  bot = await startTestComposition();
  chat = new ChatSession(bot.composition);
});
afterAll(async () => {
  bot.emulator.control.setFaults('');
  await bot.close();
});

const person = (who: DemoUser): ChatUser => ({
  id: USERS[who].id,
  displayName: USERS[who].displayName,
  userPrincipalName: USERS[who].upn,
});

interface AskButton {
  title: string;
  text: string;
  keepCard?: boolean;
}

/** The chat.ask buttons of some cards, in order. */
function askButtons(cards: AdaptiveCard[]): AskButton[] {
  const found: AskButton[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute' && record.verb === 'chat.ask') {
        const data = record.data as { text: string; keepCard?: boolean };
        found.push({ title: String(record.title), text: data.text, keepCard: data.keepCard });
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(cards);
  return found;
}

const cardsOf = (turn: ChatTurn) => turn.replies.flatMap((m) => m.cards);
const said = (message: ChatMessage | undefined) => `${message?.text ?? ''} ${JSON.stringify(message?.cards ?? [])}`;

/** Cards with each request draft's id masked: every request, clicked or typed, gets a draft of its own. */
const withoutDrafts = (cards: AdaptiveCard[] = []) =>
  JSON.parse(JSON.stringify(cards).replace(/"draftId":"[^"]+"/g, '"draftId":"…"')) as unknown;

/** What the same person gets by typing the text (a second client on the same bot and conversation). */
async function typed(who: DemoUser, text: string): Promise<ChatTurn> {
  return new ChatSession(bot.composition).say(person(who), text);
}

/**
 * Clicks the button and checks the answer is the typed one: the click's first reply is the clicked card's update
 * (what the client shows in its place), the second the answer, a new message.
 */
async function clickAndCompare(who: DemoUser, button: AskButton) {
  const clicked = await chat.click(person(who), button.title);
  expect(clicked.replies).toHaveLength(2);
  const [update, answer] = clicked.replies;
  const asTyped = await typed(who, button.text);
  expect(clicked.understood).toEqual(asTyped.understood);
  expect(withoutDrafts(answer.cards)).toEqual(withoutDrafts(asTyped.replies.at(-1)?.cards));
  return { update, answer, understood: clicked.understood };
}

/** A card with content of its own stays; the answer says what was asked. */
function expectKept(update: ChatMessage, answer: ChatMessage, button: AskButton) {
  expect(button.keepCard).toBe(true);
  expect(update).toEqual({ text: `You asked: ${button.text}`, cards: [] });
  expect(answer.text?.startsWith(`You asked: ${button.text}`)).toBe(true);
}

/** A card whose question the click settles is replaced by what was asked; the answer is as typed. */
function expectReplaced(update: ChatMessage, answer: ChatMessage, button: AskButton) {
  expect(button.keepCard).toBeUndefined();
  expect(said(update)).toContain(`You asked: ${button.text}`);
  expect(askButtons(update.cards)).toEqual([]);
  expect(answer.text ?? '').not.toContain('You asked');
}

describe('a button that asks in words', () => {
  it('on the welcome card: a suggestion is answered as typed, and the welcome card stays', async () => {
    const welcome = await chat.say(person('megan'), 'help');
    const button = askButtons(cardsOf(welcome)).find((b) => b.title === 'Are my connections OK?')!;
    const { update, answer, understood } = await clickAndCompare('megan', button);
    expectKept(update, answer, button);
    expect(understood?.intent).toBe('showMyConnections');
    expect(said(answer)).toContain('Your connections');
  });

  it('on a "Did you mean" card: the choice is answered as typed, and the card says what was chosen', async () => {
    const clarify = await chat.say(person('megan'), 'Weekly report');
    expect(said(clarify.replies[0])).toContain('Did you mean:');
    const button = askButtons(cardsOf(clarify)).find((b) => b.title === 'Diagnose flow Weekly report')!;
    const { update, answer, understood } = await clickAndCompare('megan', button);
    expectReplaced(update, answer, button);
    expect(understood).toMatchObject({ intent: 'diagnoseFlow', entities: { flow: 'Weekly report' } });
    expect(said(answer)).toContain('Every connection this flow needs works');
  });

  it('on the "not sure" card: a topic is answered as typed', async () => {
    const notSure = await chat.say(person('adele'), 'Who won the football match last night?');
    expect(said(notSure.replies[0]).toLowerCase()).toContain('not sure');
    const [button] = askButtons(cardsOf(notSure));
    const { update, answer } = await clickAndCompare('adele', button);
    expectReplaced(update, answer, button);
    expect(answer.cards).not.toEqual([]);
  });

  it('on an answer: a related question is answered as typed, and the answer it follows stays', async () => {
    const first = await chat.say(person('adele'), 'What is a connection reference?');
    expect(said(first.replies[0])).toContain('Sources');
    const button = askButtons(cardsOf(first))[0];
    const { update, answer, understood } = await clickAndCompare('adele', button);
    expectKept(update, answer, button);
    expect(understood?.intent).toBe('question');
    expect(said(answer)).toContain('Sources');
  });

  it("on the health report: a finding's [Why it matters] asks its question, and the report stays", async () => {
    const report = await chat.say(person('alex'), 'health report');
    expect(said(report.replies.at(-1))).toContain('Tenant health report');
    const button = askButtons(cardsOf(report)).find((b) => b.title === 'Why it matters')!;
    const { update, answer, understood } = await clickAndCompare('alex', button);
    expectKept(update, answer, button);
    expect(understood?.intent).toBe('question');
    expect(said(answer)).toContain('Sources');
  });

  it('on the error card: [Try again] asks the failed message again, once the cause is gone', async () => {
    // The directory refuses the bot (a withdrawn permission): the rotation request cannot be checked.
    bot.emulator.control.setFaults('graph:forbid');
    let failed: ChatTurn;
    try {
      failed = await chat.say(person('megan'), 'D365-App-Registration needs a new secret');
    } finally {
      bot.emulator.control.setFaults('');
    }
    const button = askButtons(cardsOf(failed)).find((b) => b.title === 'Try again')!;
    expect(button).toEqual({ title: 'Try again', text: 'D365-App-Registration needs a new secret' });
    const { update, answer, understood } = await clickAndCompare('megan', button);
    expectReplaced(update, answer, button);
    expect(understood).toMatchObject({ intent: 'requestRotation', entities: { app: 'D365-App-Registration' } });
    expect(said(answer)).toContain('Confirm: Rotate the client secret of D365-App-Registration');
  });

  it('on a digest: the report button asks for the report, and each person gets their own view', async () => {
    const finding: Finding = {
      id: 'credential-expiring:app1:key1',
      kind: 'credential-expiring',
      severity: 'high',
      subject: 'D365-App-Registration',
      daysLeft: 10,
      owner: 'Megan Bowen',
      why: 'Its secret expires in 10 days.',
    } as Finding;
    const diff = {
      recipient: 'user:x',
      changes: [{ finding, change: 'new' as const, stage: 'within:30' as const }],
      unchanged: [],
      resolved: [],
      writes: [],
      deletes: [],
    };
    const tenantDigest = digestPage(buildDigest({ id: 'scan|user:alex', diff, audience: 'tenant', partial: [] }), 1);
    chat.importCards({ [USERS.alex.id]: [{ activityId: 'digest-alex', card: tenantDigest }] });
    const button = askButtons([tenantDigest])[0];
    expect(button).toMatchObject({ text: 'health report', keepCard: true });
    const { update, answer, understood } = await clickAndCompare('alex', button);
    expectKept(update, answer, button);
    expect(understood?.intent).toBe('healthReport');
    expect(said(answer)).toContain('Tenant health report');

    // The same button on a card handed to a maker answers as she may see it: the card does not say who asks.
    chat.importCards({ [USERS.adele.id]: [{ activityId: 'digest-adele', card: tenantDigest }] });
    const asAdele = await clickAndCompare('adele', button);
    expect(said(asAdele.answer)).not.toContain('Tenant health report');
  });
});

describe('a chat.ask click', () => {
  it('takes who asks from the activity, whatever the card data says', async () => {
    const card = {
      type: 'AdaptiveCard',
      actions: [
        {
          type: 'Action.Execute',
          title: 'Ask',
          verb: 'chat.ask',
          data: { text: 'health report', keepCard: true, userId: USERS.alex.id, aadObjectId: USERS.alex.id },
        },
      ],
    } as unknown as AdaptiveCard;
    chat.importCards({ [USERS.patti.id]: [{ activityId: 'forged', card }] });
    const clicked = await chat.click(person('patti'), 'Ask');
    const asTyped = await typed('patti', 'health report');
    expect(clicked.replies[1].cards).toEqual(asTyped.replies.at(-1)?.cards);
    expect(said(clicked.replies[1])).not.toContain('Tenant health report');
  });

  it('without text says what to do, and with text too long is refused', async () => {
    const button = (data: Record<string, unknown>) =>
      ({ type: 'AdaptiveCard', actions: [{ type: 'Action.Execute', title: 'Ask', verb: 'chat.ask', data }] }) as never;
    chat.importCards({ [USERS.lynne.id]: [{ activityId: 'empty', card: button({ text: '  ' }) }] });
    expect((await chat.click(person('lynne'), 'Ask')).replies).toEqual([
      { text: 'That button does not say what to ask. Type your question and I will answer it.', cards: [] },
    ]);
    chat.importCards({ [USERS.lynne.id]: [{ activityId: 'long', card: button({ text: 'x'.repeat(1001) }) }] });
    expect(said((await chat.click(person('lynne'), 'Ask')).replies[0])).toMatch(/card’s data is not valid/);
  });

  it('is pressed by the chat client as Teams would: an imBack Action.Submit is not sent at all', async () => {
    const card = {
      type: 'AdaptiveCard',
      actions: [{ type: 'Action.Submit', title: 'Old', data: { msteams: { type: 'imBack', value: 'help' } } }],
    } as unknown as AdaptiveCard;
    chat.importCards({ [USERS.isaiah.id]: [{ activityId: 'old', card }] });
    await expect(chat.click(person('isaiah'), 'Old')).rejects.toThrow(/Action.Submit action, which this client/);
  });
});

describe('a chat.ask click in a group chat', () => {
  /** Alex clicks a button in a group chat: the invoke response and the messages the bot sent to the chat. */
  async function clickInGroup(data: Record<string, unknown>) {
    const adapter = new InProcessAdapter();
    // Last in the file: this bot takes over the composition's proactive notifier from the chat client above.
    const groupBot = createBot({
      services: bot.composition.services,
      adapter,
      attachNotifier: (n) => bot.composition.attachNotifier(n),
    });
    const tenantId = bot.ctx.tenant.tenantId;
    const response = await adapter.process(
      {
        type: 'invoke',
        name: 'adaptiveCard/action',
        channelId: 'msteams',
        from: { id: '29:alex', name: USERS.alex.displayName, aadObjectId: USERS.alex.id },
        recipient: { id: '28:connection-ops', name: 'Connection Ops' },
        conversation: { id: 'group-ops', conversationType: 'groupChat', isGroup: true, tenantId, name: 'Ops' },
        channelData: { tenant: { id: tenantId } },
        replyToId: 'card-1',
        value: { action: { type: 'Action.Execute', verb: 'chat.ask', data }, trigger: 'manual' },
      },
      (context) => groupBot.run(context),
    );
    await bot.composition.services.background.drain();
    const body = response?.body as { type: string; value: unknown };
    const sent = adapter.outbox.filter((o) => o.conversationId === 'group-ops').map((o) => o.activity);
    return { body, sent };
  }

  it('names who asked, on the card and in the answer everyone sees', async () => {
    const kept = await clickInGroup({ text: 'what is a connection reference?', keepCard: true });
    expect(kept.body).toMatchObject({ value: 'Alex Wilber asked: what is a connection reference?' });
    expect(kept.sent).toHaveLength(1);
    expect(kept.sent[0].text?.startsWith('Alex Wilber asked: what is a connection reference?')).toBe(true);

    const replaced = await clickInGroup({ text: 'what is a connection reference?' });
    expect(JSON.stringify(replaced.body.value)).toContain('Alex Wilber asked: what is a connection reference?');
    expect(replaced.sent).toHaveLength(1);
    expect(replaced.sent[0].text ?? '').not.toContain('asked');
  });
});
