/**
 * The answer and not-sure cards: valid Adaptive Cards 1.5 (parsed by the Adaptive Cards SDK), the passage,
 * sources and buttons that send questions and tenant actions back as messages the planner understands.
 */
import type * as AdaptiveCardsSdk from 'adaptivecards';
import { renderCard, type AdaptiveCard } from '../../src/cards/renderCard';
import { answerCardData, createAnswerer } from '../../src/knowledge';
import { planMessage } from '../../src/app/planner/localPlanner';

// The UMD build: the package's main entry is ESM, which jest (CommonJS) cannot load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsSdk;

const answerer = createAnswerer();

function problems(card: AdaptiveCard): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const found: string[] = [];
  for (let i = 0; i < context.eventCount; i++) found.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) found.push(event.message);
  return found;
}

/** A button that asks the bot in words (src/app/cardVerbs/askVerbs.ts). */
interface AskAction {
  type: string;
  title: string;
  verb: string;
  data: { text: string; keepCard?: boolean };
}

function askActions(node: unknown, out: AskAction[] = []): AskAction[] {
  if (Array.isArray(node)) node.forEach((n) => askActions(n, out));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && record.verb === 'chat.ask') out.push(record as unknown as AskAction);
    Object.values(record).forEach((v) => askActions(v, out));
  }
  return out;
}

test('an answer renders to a valid card with the passage, source links and buttons that ask', () => {
  const answer = answerer.answer('How do I share a connection so a colleague can turn on my flow?');
  const card = renderCard('answer', answerCardData(answer));
  expect(problems(card)).toEqual([]);
  const json = JSON.stringify(card);
  expect(json).not.toMatch(/\$\{/);
  expect(json).toContain('Can use');
  expect(json).toContain('Sources');
  expect(json).toContain('(https://learn.microsoft.com/en-us/power-apps/maker/data-platform/create-connection-reference)');
  const buttons = askActions(card);
  expect(buttons.length).toBeGreaterThanOrEqual(4);
  for (const b of buttons) expect(b.data).toEqual({ text: expect.any(String), keepCard: true });
  expect(Buffer.byteLength(json)).toBeLessThan(28_000);
});

test('the tenant action buttons send words the local planner routes to the matching action', async () => {
  const understood = async (texts: string[]) =>
    Promise.all(texts.map(async (t) => (await planMessage(t)).understood.intent));
  const answer = answerer.answer('What is ConnectionAuthorizationFailed?');
  const values = askActions(renderCard('answer', answerCardData(answer))).map((b) => b.data.text);
  expect(await understood(values)).toEqual(expect.arrayContaining(['diagnoseFlow', 'showMyConnections']));
  const notSure = renderCard('notSure', answerCardData(answerer.answer('football scores')));
  const kinds = await understood(askActions(notSure).map((b) => b.data.text));
  expect(kinds).toEqual(
    expect.arrayContaining(['showMyConnections', 'diagnoseFlow', 'expiringSecrets', 'healthReport', 'question']),
  );
});

test('the not-sure card says so plainly and offers what the bot can help with', () => {
  const answer = answerer.answer('Who won the football match last night?');
  const card = renderCard('notSure', answerCardData(answer));
  expect(problems(card)).toEqual([]);
  const json = JSON.stringify(card).toLowerCase();
  expect(json).toContain('not sure');
  expect(json).toContain('i can help with');
  expect(json).not.toMatch(/prvactonbehalfofanotheruser|solution component|edit connection role assignment/);
  expect(askActions(card).length).toBeGreaterThanOrEqual(5);
});

test('a question about connections that no article covers gets a not-sure card naming the nearest topics', () => {
  const answer = answerer.answer('How do I set the retry policy of a SharePoint connection?');
  const card = renderCard('notSure', answerCardData(answer));
  expect(problems(card)).toEqual([]);
  const json = JSON.stringify(card);
  expect(json).toContain("don't cover that point");
  const buttons = askActions(card);
  for (const n of answer.nearest) expect(buttons).toContainEqual(expect.objectContaining({ title: n.title }));
  // Each nearest-topic button asks a question the answerer does answer.
  for (const n of answer.nearest) expect(answerer.answer(n.question).confident).toBe(true);
});

test('the answer card leads with the sentence that answers the question', () => {
  const answer = answerer.answer('Can I add a service principal as a co-owner of my flow?');
  const card = renderCard('answer', answerCardData(answer)) as unknown as { body: { text?: string }[] };
  const texts = card.body.map((b) => b.text ?? '').filter(Boolean);
  // Title, heading, then the lead.
  expect(texts[2]).toMatch(/can't be made a co-owner/);
});
