/**
 * The connections service on the demo tenant (emulator + real clients), one persona per scenario of
 * shared/demo-tenant.md and the "Done when" lines of issue 5.
 */
import type { AdaptiveCard } from '../../src/cards/renderCard';
import type { Reply } from '../../src/cards/reply';
import { ConnectionsService } from '../../src/connections/connectionsService';
import { cardClicker, type Click } from '../support/cardClicks';
import { callerFor, startTestComposition, type TestComposition } from '../support/testComposition';

let domain: TestComposition;
let service: ConnectionsService;
let click: Click;

beforeAll(async () => {
  domain = await startTestComposition();
  service = new ConnectionsService(domain.ctx);
  click = cardClicker({ ctx: domain.ctx, connections: service });
});
afterAll(() => domain.close());
afterEach(() => domain.emulator.control.setFaults(''));

const text = (reply: Reply): string => `${reply.text ?? ''} ${JSON.stringify(reply.cards)}`;

interface FoundAction {
  type: string;
  title: string;
  verb?: string;
  url?: string;
  data?: Record<string, unknown>;
}

/** Every action on a card, wherever it sits (card actions or ActionSets in the body). */
function actions(card: AdaptiveCard | undefined): FoundAction[] {
  const found: FoundAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.type === 'string' && record.type.startsWith('Action.'))
        found.push(record as unknown as FoundAction);
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** All pages of a paged view, following [Show more]. */
async function allPages(first: Reply, who: Parameters<typeof callerFor>[0]): Promise<Reply[]> {
  const pages = [first];
  for (let i = 0; i < 20; i++) {
    const more = actions(pages[pages.length - 1].cards[0]).find((a) => a.title === 'Show more');
    if (!more?.verb) break;
    const next = await click(callerFor(who), more.verb, more.data);
    pages.push(next.reply);
  }
  return pages;
}

test("Megan's connections include her SharePoint connection in Error, explained, with Fix connection", async () => {
  const pages = await allPages(await service.myConnections(callerFor('megan')), 'megan');
  const all = pages.map(text).join(' ');
  expect(all).toMatch(/Contoso PROD/);
  expect(all).toMatch(/Contoso DEV/);
  expect(all).toMatch(/could not be refreshed/);
  expect(all).toMatch(/Sign in again: open the connection and choose Fix connection/);
  expect(
    pages.flatMap((p) => actions(p.cards[0])).some((a) => a.title === 'Fix connection' && a.type === 'Action.OpenUrl'),
  ).toBe(true);
  expect(pages[0].cards).toHaveLength(1);
});

test("Adele does not see Megan's connections that are not shared with her", async () => {
  const reply = await service.myConnections(callerFor('adele'));
  expect(text(reply)).not.toMatch(/meganb@example.com/);
});

test("Adele: Weekly report uses Megan's OAuth connections: no share offered, but [Ask Megan Bowen to turn it on]", async () => {
  const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'the weekly report flow' });
  const all = text(reply);
  expect(all).toMatch(/Weekly report/);
  expect(all).toMatch(/Outlook connection .{0,80} belongs to Megan Bowen and is not shared with you/);
  expect(all).toMatch(/SharePoint connection .{0,80} belongs to Megan Bowen and is not shared with you/);
  expect(all).toMatch(/OAuth connection: it can be shared only with a service principal, not with a person/);
  expect(all).toMatch(/Ask Megan Bowen to turn Weekly report on once/);
  expect(all).not.toMatch(/must share it/);
  const found = actions(reply.cards[0]);
  expect(found.filter((a) => a.title === 'Request access')).toHaveLength(0);
  const asks = found.filter((a) => a.title === 'Ask Megan Bowen to turn it on');
  expect(asks).toHaveLength(1);
  expect(asks[0]).toMatchObject({ type: 'Action.Execute', verb: 'flow.askToTurnOn' });
  expect(Object.keys(asks[0].data ?? {}).sort()).toEqual(['environmentId', 'flowId']);
});

test("Adele: Stock alerts uses Megan's SQL Server login connection, which may be shared with her: [Request access]", async () => {
  const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'Stock alerts' });
  const all = text(reply);
  expect(all).toMatch(/SQL Server connection .{0,80} belongs to Megan Bowen and is not shared with you/);
  expect(all).toMatch(/it is not an OAuth connection, so sharing with a person is allowed/);
  const requests = actions(reply.cards[0]).filter((a) => a.title === 'Request access');
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({ verb: 'access.request', data: { connector: 'shared_sql' } });
});

test('once Megan has turned Weekly report on, Adele is not told it fails until then: the flow holds the grant', async () => {
  const megan = domain.emulator.control.userToken('meganb@example.com', 'https://service.flow.microsoft.com/.default');
  const { ENVIRONMENTS, FLOWS } = await import('../../src/emulator/fixture');
  const started = await fetch(
    `${domain.emulator.info.flow}/providers/Microsoft.ProcessSimple/environments/${ENVIRONMENTS.dev.id}/flows/${FLOWS.weeklyReport}/start?api-version=2016-11-01`,
    { method: 'POST', headers: { authorization: `Bearer ${megan}` } },
  );
  expect(started.status).toBe(200);
  try {
    const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'Weekly report' });
    const all = text(reply);
    expect(all).not.toMatch(/ConnectionAuthorizationFailed/);
    expect(all).not.toMatch(/Ask Megan Bowen/);
    expect(all).toMatch(/the flow has permission to use it \(Megan Bowen turned it on\)/);
  } finally {
    domain.emulator.control.reset();
  }
});

test('a typo in the flow name still finds the flow', async () => {
  const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'wekly reprot' });
  expect(text(reply)).toMatch(/not shared with you/);
});

test('a flow the caller does not own is not found, and nothing about it leaks', async () => {
  const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'Vendor onboarding' });
  expect(reply.cards).toHaveLength(0);
  expect(reply.text).toMatch(/could not find "Vendor onboarding" among the flows you own or co-own/);
});

test('an unknown flow name says so and suggests the closest names the caller owns', async () => {
  const reply = await service.diagnoseFlow(callerFor('megan'), { flowName: 'weekly reports summary' });
  expect(reply.text ?? text(reply)).toMatch(/Weekly report/);
  const none = await service.diagnoseFlow(callerFor('megan'), { flowName: 'payroll zebra' });
  expect(none.text).toMatch(/could not find "payroll zebra"/);
});

test('admins: Vendor onboarding runs on connections of Lee Gu, whose account is disabled; PROD needs no person', async () => {
  const reply = await service.diagnoseFlow(callerFor('alex'), { flowName: 'Vendor onboarding' });
  expect(text(reply)).toMatch(/belongs to Lee Gu, whose account is disabled/);
  expect(text(reply)).toMatch(/a service principal \(where the connector supports it\) or a technical user/);
  expect(text(reply)).toMatch(/VM Dataverse Connection Ref/);
  expect(text(reply)).not.toMatch(/create a connection of your own/);
});

test('admins: CoE inventory sync: an expired secret is rotated, and its Dataverse runs are not called an outage', async () => {
  const reply = await service.diagnoseFlow(callerFor('alex'), { flowName: 'CoE inventory sync' });
  const all = text(reply);
  expect(all).toMatch(/client secret has expired/);
  expect(all).toMatch(/cannot be saved or published/);
  // Learn names saving and publishing only: turning on is not claimed as fact.
  expect(all).not.toMatch(/cannot be saved, published or turned on/);
  expect(all).toMatch(/not confirmed: whether turning it on is refused too/);
  expect(actions(reply.cards[0]).some((a) => a.title === 'Rotate')).toBe(true);
});

test('admins: Invoice approval routing has a reference bound to no connection', async () => {
  const reply = await service.diagnoseFlow(callerFor('alex'), { flowName: 'Invoice approval routing' });
  expect(text(reply)).toMatch(/bound to no connection/);
});

test('admins: Inventory sync has a custom connector reference broken by the environment copy', async () => {
  const reply = await service.diagnoseFlow(callerFor('alex'), { flowName: 'Inventory sync' });
  expect(text(reply)).toMatch(/custom connector/i);
  expect(text(reply)).toMatch(/does not exist in Contoso TEST/);
  expect(text(reply)).toMatch(/Create a new connection reference in Contoso TEST for the custom connector/);
  expect(text(reply)).not.toMatch(/rebind/);
});

test('the picker button diagnoses the chosen flow by id', async () => {
  const { reply } = await click(callerFor('adele'), 'flow.diagnose', {
    environmentId: 'nope',
    flowId: 'nope',
  });
  expect(reply?.text).toMatch(/could not find/);
});

test('Alex: secrets expiring within 30 days list D365 and Lunch-Order-App, CoE-Sync-SP as expired, not AppUser_Dataverse_PRD', async () => {
  const reply = await service.expiringCredentials(callerFor('alex'), { withinDays: 30 });
  const all = text(reply);
  expect(all).toMatch(/D365-App-Registration/);
  expect(all).toMatch(/Lunch-Order-App/);
  expect(all).toMatch(/CoE-Sync-SP.{0,200}expired 3 days ago/);
  expect(all).not.toMatch(/AppUser_Dataverse_PRD/);
  const rotate = actions(reply.cards[0]).filter((a) => a.title === 'Rotate');
  expect(rotate.length).toBeGreaterThanOrEqual(2); // D365's secret, CoE-Sync-SP's expired secret
  expect(rotate.every((a) => a.verb === 'rotation.request' && typeof a.data?.appObjectId === 'string')).toBe(true);
  // Lunch-Order-App signs in with a certificate: a new client secret would not renew it, so no [Rotate] but a link.
  const renew = actions(reply.cards[0]).filter((a) => a.title === 'Renew certificate');
  expect(renew).toHaveLength(1);
  expect(renew[0]).toMatchObject({ type: 'Action.OpenUrl' });
  expect(renew[0].url).toMatch(/^https:\/\/entra\.microsoft\.com\/.*\/Credentials\/appId\//);
});

test('an app owner sees only the apps they own; a maker owning none is told politely', async () => {
  const megan = text(await service.expiringCredentials(callerFor('megan')));
  expect(megan).toMatch(/D365-App-Registration/);
  expect(megan).not.toMatch(/Lunch-Order-App|CoE-Sync-SP/);
  const adele = await service.expiringCredentials(callerFor('adele'));
  expect(adele.cards).toHaveLength(0);
  expect(adele.text).toMatch(/admins and to the owners/);
});

test('Alex: the health report shows every finding of the demo tenant', async () => {
  const pages = await allPages(await service.healthReport(callerFor('alex')), 'alex');
  const all = pages.map(text).join(' ');
  for (const expected of [
    /D365-App-Registration[^}]*App user with System Administrator/,
    /Connection owned by a disabled account/,
    /owner Lee Gu/,
    /Personal account in production/,
    /Site request intake/,
    /Legacy-Integration[^}]*Stale expired credential/,
    /CoE-Sync-SP[^}]*Credential expired/,
    /D365-App-Registration[^}]*Credential expiring/,
    /Lunch-Order-App[^}]*Credential expiring/,
    /Unbound connection reference/,
    /ABCSOL DataVerse Connection Ref[^}]*Cross-solution connection reference/,
    /cr6a1_sharedcommondataserviceforapps_5f2c1[^}]*Unclear reference name/,
    /Connection in Error/,
    /Broken connection reference/,
  ]) {
    expect(all).toMatch(expected);
  }
  expect(all).not.toMatch(/AppUser_Dataverse_PRD[^}]*Credential expiring/);
  expect(pages.every((p) => Buffer.byteLength(JSON.stringify(p.cards)) < 28_000)).toBe(true);
});

test('Adele (not an admin) is refused the health report politely', async () => {
  const reply = await service.healthReport(callerFor('adele'));
  expect(reply.cards).toHaveLength(0);
  expect(reply.text).toMatch(/only available to Power Platform admins/);
});

test('connection references in Lunch order show each reference, its connection and account', async () => {
  const reply = await service.solutionReferences(callerFor('patti'), 'lunch order');
  const all = text(reply);
  expect(all).toMatch(/LUNCH Dataverse Connection Ref/);
  expect(all).toMatch(/LUNCH Word Connection Ref/);
  expect(all).toMatch(/LUNCH SharePoint Connection Ref/);
});

test('Invoice Approvals flags the borrowed, unbound and cryptically named references', async () => {
  const reply = await service.solutionReferences(callerFor('alex'), 'Invoice Approvals');
  const all = text(reply);
  expect(all).toMatch(/shared with another solution|not part of this solution/);
  expect(all).toMatch(/bound to no connection/);
  expect(all).toMatch(/generated default name/);
});

test('Dataverse down: my connections still shows what it could, plus what could not be checked and [Retry]', async () => {
  domain.emulator.control.setFaults('dataverse:error=1:503');
  const reply = await service.myConnections(callerFor('megan'));
  expect(reply.cards.length).toBe(2);
  expect(text({ cards: [reply.cards[0]] })).toMatch(/Contoso PROD/);
  const partial = reply.cards[1];
  expect(JSON.stringify(partial)).toMatch(/connection references in Contoso/);
  const retry = actions(partial).find((a) => a.title === 'Retry');
  expect(retry).toMatchObject({ type: 'Action.Execute', verb: 'connections.retry', data: { view: 'myConnections' } });
  domain.emulator.control.setFaults('');
  const again = await click(callerFor('megan'), retry?.verb ?? '', retry?.data);
  expect(again.reply.cards).toHaveLength(1);
});

test('Graph down: the health report says what it could not check instead of failing', async () => {
  domain.emulator.control.setFaults('graph:error=1:503');
  const reply = await service.healthReport(callerFor('alex'));
  expect(text(reply)).toMatch(/could not be checked|Retry/);
});
