/**
 * The charts of the health report, expiring secrets and my connections, on the demo tenant and on a scaled one:
 * each card passes the Adaptive Cards checks (charts against Learn's chart schema, their FactSet fallbacks through
 * the SDK), the numbers in each chart are the numbers in the card's text, and long lists are capped so the card stays
 * under Teams' size limit.
 */
import type { AdaptiveCard } from '../../src/cards/renderCard';
import type { Reply } from '../../src/cards/reply';
import { ConnectionsService } from '../../src/connections/connectionsService';
import { adaptiveCardProblems } from '../cards/adaptiveCardProblems';
import { chartNumbers, chartsOf } from '../cards/chartProblems';
import { callerFor, startTestComposition, type TestComposition } from '../support/testComposition';

const TEAMS_CARD_LIMIT = 28_000;

function onlyCard(reply: Reply): AdaptiveCard {
  expect(reply.cards).toHaveLength(1);
  return reply.cards[0] as AdaptiveCard;
}

function chart(card: AdaptiveCard, title: string): [string, number][] {
  const found = chartsOf(card).find((c) => c.title === title);
  if (!found) throw new Error(`no chart "${title}" on the card`);
  return chartNumbers(found).map(([label, value]) => [label, Number(value)]);
}

function summaryOf(card: AdaptiveCard): string {
  return String((card.body as { text?: string }[])[1].text);
}

function expectValidAndSmall(card: AdaptiveCard): void {
  expect(adaptiveCardProblems(card)).toEqual([]);
  expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_CARD_LIMIT);
}

describe('on the demo tenant', () => {
  let domain: TestComposition;
  let service: ConnectionsService;
  beforeAll(async () => {
    domain = await startTestComposition();
    service = new ConnectionsService(domain.ctx);
  });
  afterAll(() => domain.close());

  test('health report: the severity donut and kind bars count the findings the summary counts', async () => {
    const card = onlyCard(await service.healthReport(callerFor('alex')));
    expectValidAndSmall(card);
    const [, total, high, medium, low] = /^(\d+) findings: (\d+) high, (\d+) medium, (\d+) low\.$/
      .exec(summaryOf(card))!
      .map(Number);
    expect(chart(card, 'Findings by severity')).toEqual([
      ['High', high],
      ['Medium', medium],
      ['Low', low],
    ]);
    const kinds = chart(card, 'Findings by kind');
    expect(kinds.reduce((sum, [, n]) => sum + n, 0)).toBe(total);
    expect(kinds.map(([label]) => label)).toContain('Credential expiring');
    // Most frequent kind first.
    expect(kinds.map(([, n]) => n)).toEqual([...kinds.map(([, n]) => n)].sort((a, b) => b - a));
  });

  test('expiring secrets: one bar per app with the days left its row states, coloured by threshold', async () => {
    const card = onlyCard(await service.expiringCredentials(callerFor('alex')));
    expectValidAndSmall(card);
    const bars = chart(card, 'Days left per app');
    const [, soon] = /^(\d+) expiring soon/.exec(summaryOf(card))!.map(Number);
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.length).toBeLessThanOrEqual(soon);
    const text = JSON.stringify(card.body);
    for (const [app, days] of bars) {
      expect(text).toMatch(new RegExp(`\\*\\*${app}\\*\\*"[^}]*\\}[^}]*expires in ${days} day`));
    }
    const colors = (
      chartsOf(card).find((c) => c.title === 'Days left per app')!.data as { y: number; color: string }[]
    ).map((d) => [d.y, d.color] as const);
    for (const [days, color] of colors) expect(color).toBe(days <= 1 ? 'attention' : days <= 7 ? 'warning' : 'neutral');
  });

  test('my connections: connected / error / other add up to the count, and the others to "need attention"', async () => {
    const card = onlyCard(await service.myConnections(callerFor('megan')));
    expectValidAndSmall(card);
    const [, total, , attention] =
      /^(\d+) connections? in (\d+) environments?(?:, (\d+) needs? attention\.|, all connected\.)$/
        .exec(summaryOf(card))!
        .map((v) => Number(v ?? 0));
    const [[, connected], [, error], [, other]] = chart(card, 'Connections by status');
    expect(connected + error + other).toBe(total);
    expect(error + other).toBe(attention);
    expect(error).toBeGreaterThan(0);
  });
});

describe('on a scaled tenant', () => {
  let domain: TestComposition;
  let service: ConnectionsService;
  beforeAll(async () => {
    domain = await startTestComposition({ emulator: { scale: { seed: 7, size: 3000 } } });
    service = new ConnectionsService(domain.ctx);
  }, 120_000);
  afterAll(() => domain.close());

  test('the charts stay capped ("and N more") and the cards within Teams\' size limit', async () => {
    const health = onlyCard(await service.healthReport(callerFor('alex')));
    expectValidAndSmall(health);
    const expiring = onlyCard(await service.expiringCredentials(callerFor('alex')));
    expectValidAndSmall(expiring);
    const bars = chart(expiring, 'Days left per app');
    expect(bars).toHaveLength(12);
    const [, soon] = /^(\d+) expiring soon/.exec(summaryOf(expiring))!.map(Number);
    expect(soon).toBeGreaterThan(12);
    const text = JSON.stringify(expiring.body);
    expect(text).toMatch(/and \d+ more apps not charted\./);
    expect(text).toContain(`${soon - 10} more expiring`);
    // The most urgent app is both the first bar and the first row.
    expect(text).toMatch(new RegExp(`\\*\\*${bars[0][0]}\\*\\*"[^}]*\\}[^}]*expires in ${bars[0][1]} day`));
  }, 120_000);
});
