/**
 * The "ask the owner to turn it on" story on the demo tenant: Weekly report uses Megan's OAuth connections, which
 * cannot be shared with Adele. Adele asks; Megan gets a card with a link to the flow and [I turned it on]; the bot
 * believes the flow's state, not the click, and tells Adele once the flow is on; Adele can then turn it off and on.
 * Also: a share request for an OAuth connection with a person is refused politely, and one with a service principal
 * (ALM-Pipeline-SP) goes through approval.
 */
import { APPS, CONNECTIONS, ENVIRONMENTS, FLOWS } from '../../src/emulator/fixture';
import { actionOf, as, cardText, startHarness, USERS, type Harness } from './harness';
import { userFlowsPort } from './userFlows';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const weekly = { environmentId: ENVIRONMENTS.dev.id, flowId: FLOWS.weeklyReport };

test('Adele asks Megan to turn Weekly report on; she is told only once the flow is really on', async () => {
  const asked = await h.click(as('adele'), 'flow.askToTurnOn', weekly, {});
  expect(asked?.reply.text).toMatch(/I asked Megan Bowen to turn on Weekly report once/);
  const toMegan = asked?.notifications.find((n) => n.toUserId === USERS.megan.id);
  const card = toMegan?.reply.cards[0];
  expect(cardText(card)).toMatch(/Adele Vance asks you to turn on Weekly report once/);
  expect(cardText(card)).toMatch(/cannot be shared with a person/);
  expect(JSON.stringify(card)).toMatch(/"type":"Action.OpenUrl","title":"Open the flow"/);
  const done = actionOf(card, 'I turned it on');
  expect(Object.keys(done.data).sort()).toEqual(['environmentId', 'flowId', 'requesterId']);

  // Megan presses the button before turning it on: the bot checks and says it is still off; Adele hears nothing.
  const early = await h.click(as('megan'), done.verb, done.data, {});
  expect(cardText(early?.reply.cards[0])).toMatch(/Weekly report is still off/);
  expect(early?.notifications).toEqual([]);

  const megan = await userFlowsPort(h, 'meganb@example.com');
  await megan.startFlow(weekly.environmentId, weekly.flowId);
  const later = await h.click(as('megan'), done.verb, done.data, {});
  expect(cardText(later?.reply.cards[0])).toMatch(/Weekly report is on/);
  expect(later?.notifications.map((n) => [n.toUserId, n.reply.text])).toEqual([
    [USERS.adele.id, expect.stringMatching(/Megan Bowen turned on Weekly report.*turn it off and on yourself/)],
  ]);

  // And it is true: Adele, a co-owner, can now turn the flow off and on.
  const adele = await userFlowsPort(h, 'adelev@example.com');
  await adele.stopFlow(weekly.environmentId, weekly.flowId);
  await expect(adele.startFlow(weekly.environmentId, weekly.flowId)).resolves.toBeUndefined();
  expect((await h.audit()).map((e) => e.action)).toEqual(expect.arrayContaining(['flow.askToTurnOn', 'flow.turnedOn']));
});

test('only co-owners may ask, and only for the flow’s co-owners may the owner confirm', async () => {
  const patti = await h.click(as('patti'), 'flow.askToTurnOn', weekly, {});
  expect(patti?.reply.text).toMatch(/Only an owner or co-owner of Weekly report/);
  expect(patti?.notifications).toEqual([]);
  const forged = await h.click(as('megan'), 'flow.turnedOn', { ...weekly, requesterId: USERS.patti.id }, {});
  expect(forged?.reply.text).toMatch(/This button is for the owner/);
  expect(forged?.notifications).toEqual([]);
});

test('[Request access] on an OAuth connection is refused with the reason and the fix, and nothing is drafted', async () => {
  const asked = await h.click(
    as('adele'),
    'access.request',
    { ...weekly, connector: 'shared_office365', connectionName: CONNECTIONS.devMeganOutlook },
    {},
  );
  expect(asked?.reply.cards).toEqual([]);
  expect(asked?.reply.text).toMatch(/OAuth connection: it can be shared only with a service principal/);
  expect(asked?.reply.text).toMatch(/owner turns the flow on once/);
});

test('"share my Outlook connection with Adele" is refused; sharing an OAuth connection with ALM-Pipeline-SP is approved and done', async () => {
  const refused = await h.service.requestShare(as('megan'), {
    connectionQuery: 'Outlook',
    environmentQuery: 'DEV',
    targetUserQuery: 'Adele',
  });
  expect(refused.cards).toEqual([]);
  expect(refused.text).toMatch(/can be shared only with a service principal .*not with Adele Vance/);

  const draft = await h.service.requestShare(as('alex'), {
    connectionQuery: 'Word Online',
    environmentQuery: 'PROD',
    targetUserQuery: 'ALM-Pipeline-SP',
  });
  const send = actionOf(draft.cards[0], 'Send request');
  const sent = await h.click(as('alex'), send.verb, send.data, { justification: 'pipeline imports Lunch order' });
  const toLynne = sent?.notifications.find((n) => n.toUserId === USERS.lynne.id);
  const approve = actionOf(toLynne?.reply.cards[0], 'Approve');
  await h.click(as('lynne'), approve.verb, approve.data, { comment: 'ok' });
  await h.jobs.drain();
  const permissions = await h.ctx.tenant.connections.listPermissions(
    ENVIRONMENTS.prod.id,
    'shared_wordonlinebusiness',
    CONNECTIONS.prodTechWord,
  );
  expect(permissions.map((p) => [p.principal.id, p.principal.type, p.roleName])).toContainEqual([
    APPS.almPipeline.spId,
    'ServicePrincipal',
    'CanView',
  ]);
});
