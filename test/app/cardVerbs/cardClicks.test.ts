/**
 * Clicks go through teams-ai to the verb catalogue (the bot composed as in production, the chat CLI's in-process
 * adapter, the demo tenant, SQLite): damaged card data — an unknown verb, a field of the wrong type or too long,
 * a field missing — gets a plain answer, never an error card or a stack trace; refusals are audited naming the
 * field, never its value.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cardVerbNamed } from '../../../src/app/cardVerbs/catalogue';
import { operationRequestVerb } from '../../../src/app/cardVerbs/operationRequestVerbs';
import { ChatSession, type ChatTurn, type ChatUser } from '../../../src/app/chatSession';
import { compose, type Composition } from '../../../src/compose';
import { loadConfig } from '../../../src/config';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { USERS } from '../../../src/emulator/fixture';
import type { AuditEntry } from '../../../src/store/ports';

const person = (who: keyof typeof USERS): ChatUser => ({
  id: USERS[who].id,
  displayName: USERS[who].displayName,
  userPrincipalName: USERS[who].upn,
});

let emulator: RunningEmulator;
let dataDir: string;
let bot: Composition;
let chat: ChatSession;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'card-clicks-'));
  bot = await compose(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), { emulator });
  chat = new ChatSession(bot);
});
afterAll(async () => {
  await bot.close();
  await emulator.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Someone presses a button of a card they were (supposedly) sent, with whatever verb and data it carries. Each
 * test is another person: refused clicks are rate limited per person.
 */
async function press(
  who: keyof typeof USERS,
  verb: unknown,
  data: Record<string, unknown>,
  inputs: Record<string, unknown> = {},
) {
  const user = person(who);
  const card = { type: 'AdaptiveCard', actions: [{ type: 'Action.Execute', title: 'Press', verb, data }] };
  chat.importCards({ [user.id]: [{ activityId: `card-${verb}`, card: card as never }] });
  const turn = await chat.click(user, 'Press', inputs);
  expect(turn.replies).toHaveLength(1);
  return turn.replies[0].text;
}

async function refusals(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of bot.ctx.store.audit.list()) if (entry.action === 'card.refused') out.push(entry);
  return out;
}

const NOT_VALID = /card’s data is not valid .* nothing was done/;

describe('a card click', () => {
  it('with a verb the catalogue does not have is answered, not failed', async () => {
    expect(await press('adele', 'connections.delete', {})).toMatch(/no longer supported/);
  });

  it('with a verb that is no verb is refused', async () => {
    expect(await press('adele', 42, {})).toMatch(NOT_VALID);
    expect((await refusals()).at(-1)).toMatchObject({ subject: 'malformed', details: { field: 'verb' } });
  });

  it('with a field of the wrong type is refused, naming the field and not its value', async () => {
    expect(await press('megan', 'approval.approve', { approvalId: 31337, hash: 'abc' })).toMatch(NOT_VALID);
    const last = (await refusals()).at(-1);
    expect(last).toMatchObject({ subject: 'approval.approve', details: { field: 'approvalId' } });
    expect(JSON.stringify(last)).not.toContain('31337');
  });

  it('with a field longer than its verb allows is refused', async () => {
    expect(await press('patti', 'connections.page', { view: 'healthReport'.repeat(10), page: 2 })).toMatch(NOT_VALID);
    expect((await refusals()).at(-1)).toMatchObject({ subject: 'connections.page', details: { field: 'view' } });
  });

  it('with a page that is not a number is refused', async () => {
    expect(await press('lynne', 'digest.page', { digestId: 'd-1', page: 'two' })).toMatch(NOT_VALID);
    expect((await refusals()).at(-1)).toMatchObject({ details: { field: 'page' } });
  });

  it('with typed text longer than the card allows is refused', async () => {
    const draft = { draftId: '8d3c5a52-0d3e-4c39-a7a5-5d1f7f0f5e11' };
    expect(await press('isaiah', 'request.send', draft, { justification: 'x'.repeat(2_001) })).toMatch(NOT_VALID);
    expect((await refusals()).at(-1)).toMatchObject({ details: { field: 'justification' } });
  });

  it('without the ids its button cannot work without says what is missing, and is not audited', async () => {
    const before = (await refusals()).length;
    expect(await press('alex', 'flow.diagnose', { environmentId: '' })).toMatch(/missing which flow to check/);
    expect(await press('alex', 'access.request', { environmentId: 'Default-1' })).toMatch(/missing the connection/);
    expect(await press('alex', 'digest.page', {})).toMatch(/digest is no longer available/);
    expect(await refusals()).toHaveLength(before);
  });

  it('whose data is well formed reaches its handler', async () => {
    // A draft that does not exist: the approvals service itself answers, so the schema let the click through.
    expect(await press('lee', 'request.cancel', { draftId: '8d3c5a52-0d3e-4c39-a7a5-5d1f7f0f5e11' })).toMatch(
      /could not find this draft request/,
    );
    expect(await press('lee', 'llm.cancel', { action: 'scanNow' })).toBe('OK, I did nothing.');
  });
});

describe('the cards the bot sends', () => {
  /** Every Action.Execute on the cards of some turns: its verb, and its data as the button carries it. */
  function buttons(turns: ChatTurn[]): { verb: string; data: unknown }[] {
    const found: { verb: string; data: unknown }[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (record.type === 'Action.Execute') found.push({ verb: String(record.verb), data: record.data });
        Object.values(record).forEach(walk);
      }
    };
    for (const turn of turns) walk([...turn.replies, ...turn.notifications].map((m) => m.cards));
    return found;
  }

  it("carry data their verbs' schemas accept", async () => {
    const fresh = new ChatSession(bot);
    const turns = [
      await fresh.say(person('megan'), 'show my connections'),
      await fresh.say(person('alex'), 'health report'),
      await fresh.say(person('alex'), 'what expires in the next 30 days'),
      await fresh.say(person('adele'), "why can't I turn on Stock alerts"),
      await fresh.say(person('adele'), "weekly report won't turn on for me, why?"),
      await fresh.say(person('adele'), "my flow won't start"),
    ];
    turns.push(await fresh.click(person('adele'), 'Request access'));
    turns.push(await fresh.click(person('adele'), 'Send request', { justification: 'for the stock report' }));
    const shown = buttons(turns);
    const verbs = new Set(shown.map((b) => b.verb));
    // The turns above show buttons of findings, diagnoses, requests and approvals.
    for (const verb of ['rotation.request', 'flow.askToTurnOn', 'access.request', 'request.send', 'approval.approve'])
      expect(verbs).toContain(verb);
    const rejected = shown
      // As a click finds them: the catalogue's verbs, then the operation kinds' own request verbs.
      .map(({ verb, data }) => ({
        verb,
        data,
        checked: (cardVerbNamed(verb) ?? operationRequestVerb(verb, bot.services))?.check(data),
      }))
      .filter(({ checked }) => !checked?.ok);
    expect(rejected).toEqual([]);
  });
});
