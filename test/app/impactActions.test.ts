/**
 * The impact card's buttons as src/app dispatches them: [Share with …] sends the same share request as typing it
 * (so the approvals' OAuth rule applies: a person only for a non-OAuth connection), and [Refresh] reads again.
 */
import { cardActionProblem } from '../../src/app/cardActionGuard';
import type { BotServices } from '../../src/app/services';
import type { Reply } from '../../src/cards/reply';
import { ImpactService } from '../../src/connections/impact/impactService';
import { startHarness, type Harness } from '../approvals/harness';
import { callerFor } from '../support/testComposition';
import { cardClicker, type Click } from '../support/cardClicks';

let h: Harness;
let services: BotServices;
let click: Click;

beforeAll(async () => {
  h = await startHarness();
  services = {
    ctx: h.ctx,
    knowledge: { ask: async () => ({ cards: [] }) },
    impact: new ImpactService(h.ctx),
    approvals: h.service,
    background: { drain: async () => {} },
  } as unknown as BotServices;
  click = cardClicker(services);
});
afterAll(() => h.close());

/** The [Request the share] button of the section about `connection`, with the input it reads. */
function shareButton(reply: Reply, connection: string): { data: Record<string, unknown>; inputId: string } {
  const sections = (reply.cards[0] as unknown as { body: Record<string, unknown>[] }).body.filter(
    (b) => b.type === 'Container',
  );
  const section = sections.find((s) => JSON.stringify(s).includes(`**${connection}**`));
  if (!section) throw new Error(`no section about ${connection}`);
  const found = /"verb":"impact\.share","data":(\{[^}]*\})/.exec(JSON.stringify(section));
  if (!found) throw new Error(`no share button for ${connection}`);
  const data = JSON.parse(found[1]) as Record<string, unknown>;
  return { data, inputId: String(data.inputId) };
}

const text = (reply: Reply) => JSON.stringify(reply);

describe('impact card buttons', () => {
  it('[Share with …] on a SQL Server login connection drafts a share with a person for approval', async () => {
    const megan = callerFor('megan');
    const card = await services.impact.impact(megan, { subject: 'Megan Bowen', subjectType: 'user' });
    const sql = /\*\*([^*]*SQL[^*]*)\*\*/.exec(text(card))?.[1];
    expect(sql).toBeDefined();
    const { data, inputId } = shareButton(card, sql!);
    const result = await click(megan, 'impact.share', { ...data, [inputId]: 'Adele Vance' });
    expect(text(result.reply)).toMatch(/Send request/);
    expect(text(result.reply)).toContain('Adele Vance');
  });

  it('[Share with …] of an OAuth connection with a person is refused with what works instead', async () => {
    const megan = callerFor('megan');
    const card = await services.impact.impact(megan, { subject: 'Megan Bowen', subjectType: 'user' });
    const oauth = /\*\*(Office 365 Outlook[^*]*|[^*]*Outlook[^*]*)\*\*/.exec(text(card))?.[1];
    expect(oauth).toBeDefined();
    const { data, inputId } = shareButton(card, oauth!);
    const result = await click(megan, 'impact.share', { ...data, [inputId]: 'Adele Vance' });
    expect(text(result.reply)).toMatch(/only with a service principal/);
    expect(text(result.reply)).not.toMatch(/Send request/);
  });

  it('[Refresh] answers the same question again, read now', async () => {
    const alex = callerFor('alex');
    const result = await click(alex, 'impact.refresh', { subject: 'Lee Gu', subjectType: 'user' });
    expect(text(result.reply)).toContain('Nightly export');
    expect(text(result.reply)).toMatch(/Read from the tenant just now/);
  });

  it('puts on its buttons only data the card-action guard lets through (ids as ids, names as text)', async () => {
    for (const [who, query] of [
      ['megan', { subject: 'Megan Bowen', subjectType: 'user' as const }],
      ['alex', { subject: 'D365-App-Registration', subjectType: 'app' as const }],
      ['alex', { subject: 'Lee Gu', subjectType: 'user' as const }],
    ] as const) {
      const card = await services.impact.impact(callerFor(who), query);
      const buttons = [...text(card).matchAll(/"verb":"([^"]+)","data":(\{[^}]*\})/g)];
      expect(buttons.length).toBeGreaterThan(0);
      for (const [, verb, json] of buttons) {
        const data = JSON.parse(json) as Record<string, unknown>;
        // As the bot receives a click: the inputs merged into the data.
        const typed = typeof data.inputId === 'string' ? { [data.inputId]: 'Adele Vance' } : {};
        expect(cardActionProblem(verb, { ...data, ...typed })).toBeUndefined();
      }
    }
  });
});
