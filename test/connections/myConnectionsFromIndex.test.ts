/**
 * "Show my connections" from the tenant index (issue 20): the list comes from the index, the statuses of the rows
 * shown are read live, so a status that changed after the index was taken is shown as it is now, each with when it
 * was read; a second look within a minute costs no request, and [Refresh] reads again.
 */
import type { AdaptiveCard } from '../../src/cards/renderCard';
import type { Reply } from '../../src/cards/reply';
import { ConnectionsService } from '../../src/connections/connectionsService';
import { FRESH_FOR_MS } from '../../src/connections/liveConnections';
import { buildTenantIndex } from '../../src/connections/tenantIndexBuilder';
import { TenantIndexSource } from '../../src/connections/tenantIndexSource';
import { TenantScanner } from '../../src/notifications/scan/tenantScanner';
import { cardClicker } from '../support/cardClicks';
import { callerFor, startTestComposition, type TestComposition } from '../support/testComposition';

const D365_CONNECTION = 'Dataverse (D365-App-Registration)';
const DAY_MS = 86_400_000;

let domain: TestComposition;
let index: TenantIndexSource;
let service: ConnectionsService;

/** The demo tenant (Megan owns a handful of connections, or `extra` more), indexed once before the test. */
async function setUp(extra = 0): Promise<void> {
  domain = await startTestComposition({
    emulator: extra ? { extraConnectionsFor: { upn: 'meganb@example.com', count: extra } } : {},
  });
  index = new TenantIndexSource((now) => buildTenantIndex(domain.ctx.tenant, now), domain.clock, { autoBuild: false });
  await index.refresh();
  service = new ConnectionsService(domain.ctx, { index });
}
afterEach(() => domain.close());

/** The texts of the row (a Container of the card) that names `displayName`. */
function rowTexts(reply: Reply, displayName: string): string[] {
  let found: string[] | undefined;
  const textsOf = (node: unknown, out: string[]): string[] => {
    if (Array.isArray(node)) node.forEach((n) => textsOf(n, out));
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') out.push(record.text);
      Object.values(record).forEach((v) => textsOf(v, out));
    }
    return out;
  };
  const walk = (node: unknown): void => {
    if (found) return;
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const items = record.items;
      if (
        record.type === 'Container' &&
        Array.isArray(items) &&
        items[0] &&
        (items[0] as { type?: string }).type === 'ColumnSet'
      ) {
        const texts = textsOf(items, []);
        if (texts.some((t) => t.includes(`**${displayName}**`))) found = texts;
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(reply.cards as AdaptiveCard[]);
  if (!found) throw new Error(`no row for ${displayName} in ${JSON.stringify(reply.cards).slice(0, 500)}`);
  return found;
}

function actionTitled(reply: Reply, title: string): { verb: string; data: Record<string, unknown> } {
  const match = JSON.stringify(reply.cards[0]).match(
    new RegExp(`"type":"Action.Execute","title":"${title}","verb":"([^"]+)","data":(\\{[^}]*\\})`),
  );
  if (!match) throw new Error(`no [${title}] on the card`);
  return { verb: match[1], data: JSON.parse(match[2]) as Record<string, unknown> };
}

test('a connection that broke after the index was taken is shown broken, with when its status was read', async () => {
  await setUp();
  const indexed = index.current()?.connectionsOwnedBy(callerFor('megan').userId);
  expect(indexed?.find((c) => c.displayName === D365_CONNECTION)?.status).toBe('Connected');

  // The app's only secret expires 10 days from now: 11 days later the connection cannot sign in any more.
  domain.emulator.control.setClockOffsetDays(11);
  domain.clock.advance(11 * DAY_MS);
  const reply = await service.myConnections(callerFor('megan'));

  const row = rowTexts(reply, D365_CONNECTION);
  expect(row).toContain('Error');
  expect(row).not.toContain('Connected');
  expect(row).toContain('Status read just now.');
  expect(JSON.stringify(reply.cards[0])).toMatch(/Listed from the tenant as read 11 days ago/);
  // The index itself still says Connected: the card did not take it as fact.
  const d365 = indexed!.find((c) => c.displayName === D365_CONNECTION)!;
  expect(index.current()?.connection(d365.environmentId, d365.name)?.status).toBe('Connected');
});

test('a second look within a minute costs no request and says how old the status is; [Refresh] reads it again', async () => {
  await setUp();
  const megan = callerFor('megan');
  const first = await service.myConnections(megan);
  expect(rowTexts(first, D365_CONNECTION)).toContain('Connected');

  domain.emulator.control.setClockOffsetDays(11);
  domain.clock.advance(30_000);
  const before = domain.emulator.control.requestCount();
  const second = await service.myConnections(megan);
  expect(domain.emulator.control.requestCount()).toBe(before);
  expect(rowTexts(second, D365_CONNECTION)).toEqual(
    expect.arrayContaining(['Connected', 'Status read 30 seconds ago.']),
  );

  const refresh = actionTitled(second, 'Refresh');
  const { reply: refreshed } = await cardClicker({ ctx: domain.ctx, connections: service })(
    megan,
    refresh.verb,
    refresh.data,
  );
  expect(domain.emulator.control.requestCount()).toBeGreaterThan(before);
  expect(rowTexts(refreshed!, D365_CONNECTION)).toEqual(expect.arrayContaining(['Error', 'Status read just now.']));
  expect(FRESH_FOR_MS).toBeGreaterThan(30_000);
});

/** Rows of a "your connections" card, and how many distinct (environment, connector) pairs they are. */
function connectorListsShown(card: unknown): { rows: number; pairs: number } {
  type Item = { type?: string; text?: string; items?: Item[]; columns?: Item[]; color?: string };
  const pairs = new Set<string>();
  let rows = 0;
  const walk = (items: Item[] | undefined, environment: string): void => {
    for (const item of items ?? []) {
      if (item.type === 'TextBlock' && item.color === 'Accent') environment = item.text ?? '';
      const connector = item.type === 'TextBlock' && /^\*\*.*\*\* · (.+)$/.exec(item.text ?? '')?.[1];
      if (connector) {
        rows++;
        pairs.add(`${environment}|${connector}`);
      }
      walk(item.items, environment);
      walk(item.columns, environment);
    }
  };
  walk((card as { body: Item[] }).body, '');
  return { rows, pairs: pairs.size };
}

test('a turn lists nothing: it reads only the rows of the page it shows', async () => {
  await setUp(40);
  const megan = callerFor('megan');
  const listBefore = domain.emulator.control.requestCount('powerApps');
  const before = domain.emulator.control.requestCount('powerPlatform');
  const reply = await service.myConnections(megan);
  // 40 extra connections and Megan's own: 3 pages of 15, a live read of each row of the first page on the admin
  // route of the row's connector in its environment (the connectivity route has no admin scope), one page each;
  // rows of one connector in one environment share that read.
  const lists = connectorListsShown(reply.cards[0]);
  expect(lists.rows).toBe(15);
  expect(lists.pairs).toBeLessThan(15);
  expect(domain.emulator.control.requestCount('powerApps') - listBefore).toBe(lists.pairs);
  expect(domain.emulator.control.requestCount('powerPlatform')).toBe(before);
  expect(JSON.stringify(reply.cards[0])).toMatch(/Page 1 of [34]\./);
});

test('with the index, "why can\'t I turn on Weekly report" finds the flow without listing flows and gives the same verdict', async () => {
  await setUp();
  const adele = callerFor('adele');
  const withIndex = await service.diagnoseFlow(adele, { flowName: 'Weekly report' });
  const listing = await new ConnectionsService(domain.ctx).diagnoseFlow(adele, { flowName: 'Weekly report' });
  const all = JSON.stringify(withIndex.cards);
  expect(all).toMatch(/Outlook connection .{0,80} belongs to Megan Bowen and is not shared with you/);
  expect(all).toMatch(/SharePoint connection .{0,80} belongs to Megan Bowen and is not shared with you/);
  expect(withIndex.cards).toEqual(listing.cards);
});

test('with the index, a typo still finds a co-owned flow, and a flow the caller does not own stays hidden', async () => {
  await setUp();
  const typo = await service.diagnoseFlow(callerFor('adele'), { flowName: 'wekly reprot' });
  expect(JSON.stringify(typo.cards)).toMatch(/not shared with you/);
  const other = await service.diagnoseFlow(callerFor('adele'), { flowName: 'Vendor onboarding' });
  expect(other.cards).toHaveLength(0);
  expect(other.text).toMatch(/could not find "Vendor onboarding" among the flows you own or co-own/);
  const suggested = await service.diagnoseFlow(callerFor('megan'), { flowName: 'weekly reports summary' });
  expect(suggested.text ?? JSON.stringify(suggested.cards)).toMatch(/Weekly report/);
});

test("with a scan's index, a maker's expiring secrets read only their own apps and the connections using them", async () => {
  await setUp();
  const scan = await new TenantScanner(domain.ctx.tenant, { now: domain.clock.now(), withinDays: 30 }).scan();
  await index.replace(scan.index!);
  const megan = callerFor('megan');
  const listing = await new ConnectionsService(domain.ctx).expiringCredentials(megan);

  const before = {
    powerApps: domain.emulator.control.requestCount('powerApps'),
    graph: domain.emulator.control.requestCount('graph'),
  };
  const reply = await service.expiringCredentials(megan);
  // The one connection signing in with her app, read now (one page of its connector's admin list).
  expect(domain.emulator.control.requestCount('powerApps') - before.powerApps).toBeLessThanOrEqual(1);
  // Her one app, read again, and its owner's name: no listing of the tenant's app registrations.
  expect(domain.emulator.control.requestCount('graph') - before.graph).toBeLessThanOrEqual(3);

  const card = JSON.stringify(reply.cards[0]);
  expect(card).toMatch(/D365-App-Registration/);
  expect(card).toMatch(/Used by Dataverse \(D365-App-Registration\)/);
  expect(card).toMatch(/listed by the tenant scan of just now/);
  // The same rows as the tenant-wide listing gives her.
  const rows = (text: string) => JSON.parse(text).body.filter((b: { type: string }) => b.type === 'Container');
  expect(rows(card)).toEqual(rows(JSON.stringify(listing.cards[0])));
});

test('a maker who owns no connection is told so, without claiming nothing is shared with them', async () => {
  await setUp();
  const reply = await service.myConnections(callerFor('isaiah'));
  const card = JSON.stringify(reply.cards[0]);
  expect(card).toMatch(/You own no connections\./);
  expect(card).not.toMatch(/none shared with you/);
  expect(card).toMatch(/Connections others shared with you are not listed here\./);
});
