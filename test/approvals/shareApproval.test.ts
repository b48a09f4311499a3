/**
 * The share path end to end on the demo tenant: Adele asks for access to Megan's Stock alerts connection (a SQL
 * Server login, which may be shared with a person),
 * Megan approves, the job shares them, every card copy ends "done", and Adele can then turn the flow on.
 * Also the exactly-once guarantee under 20 simultaneous approvals, and forged / replayed / expired clicks.
 */
import type { Flow } from '../../src/tenant/model';
import { actionOf, as, cardText, inputIds, startHarness, USERS, type Harness } from './harness';
import { userFlowsPort } from './userFlows';

let h: Harness;
let stockAlerts: Flow;

beforeEach(async () => {
  h = await startHarness();
  const environments = await h.ctx.tenant.connections.listEnvironments();
  const dev = environments.find((e) => e.displayName === 'Contoso DEV');
  if (!dev) throw new Error('no Contoso DEV');
  for await (const flow of h.ctx.tenant.flows.listFlows(dev.id))
    if (flow.displayName === 'Stock alerts') stockAlerts = flow;
});

afterEach(() => h.close());

/** Adele presses [Request access] on the diagnosis of Stock alerts, then [Send request] with a reason. */
async function adeleRequestsAccess(justification = 'I co-own Stock alerts and need to turn it on') {
  const reference = stockAlerts.connectionReferences.find((r) => r.connectionName);
  if (!reference?.connectionName) throw new Error('Stock alerts has no bound connection');
  const asked = await h.click(
    as('adele'),
    'access.request',
    {
      environmentId: stockAlerts.environmentId,
      connector: reference.connector,
      connectionName: reference.connectionName,
      flowId: stockAlerts.id,
    },
    {},
  );
  const confirm = asked?.reply.cards[0];
  expect(inputIds(confirm)).toContain('justification');
  const send = actionOf(confirm, 'Send request');
  const sent = await h.click(as('adele'), send.verb, send.data, { justification });
  if (!sent) throw new Error('request.send not handled');
  const toMegan = sent.notifications.find((n) => n.toUserId === USERS.megan.id);
  return { confirm, sent, toMegan, approvalCard: toMegan?.reply.cards[0] };
}

test('Megan approves Adele’s access request, the connections are shared and Adele can turn the flow on', async () => {
  const adeleFlows = await userFlowsPort(h, 'adelev@example.com');
  await expect(adeleFlows.startFlow(stockAlerts.environmentId, stockAlerts.id)).rejects.toMatchObject({
    code: 'ConnectionAuthorizationFailed',
  });

  const { confirm, sent, toMegan, approvalCard } = await adeleRequestsAccess();
  expect(cardText(confirm)).toMatch(/Megan Bowen/);
  expect(sent.replyCardKey).toMatch(/^approval:/);
  expect(cardText(sent.reply.cards[0])).toMatch(/Sent to .*Megan Bowen/);
  expect(toMegan?.cardKey).toBe(sent.replyCardKey);
  expect(cardText(approvalCard)).toMatch(/Adele Vance asks/);
  expect(cardText(approvalCard)).toMatch(/I co-own Stock alerts/);
  expect(inputIds(approvalCard)).toEqual(['comment']);
  actionOf(approvalCard, 'Reject');

  const approve = actionOf(approvalCard, 'Approve');
  expect(Object.keys(approve.data).sort()).toEqual(['approvalId', 'hash']);
  const clicked = await h.click(as('megan'), approve.verb, approve.data, { comment: 'ok' });
  expect(cardText(clicked?.reply.cards[0])).toMatch(/Approved by Megan Bowen — running…/);

  await h.jobs.drain();

  const key = sent.replyCardKey as string;
  for (const person of ['adele', 'megan', 'alex', 'lynne'] as const) {
    expect(cardText(h.notifier.latestCard(USERS[person].id, key))).toMatch(/Approved by Megan Bowen — done/);
  }
  expect(h.notifier.textsTo(USERS.adele.id).join('\n')).toMatch(
    /Shared .* with Adele Vance .*can now turn on Stock alerts/,
  );
  await expect(adeleFlows.startFlow(stockAlerts.environmentId, stockAlerts.id)).resolves.toBeUndefined();

  const actions = (await h.audit()).map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['approval.requested', 'approval.approved', 'approval.done']));
});

test('20 simultaneous Approve clicks produce one decision and one execution', async () => {
  const { approvalCard, sent } = await adeleRequestsAccess();
  const approve = actionOf(approvalCard, 'Approve');
  const clickers = Array.from({ length: 20 }, (_, i) => as(i % 2 ? 'megan' : 'alex'));

  const results = await Promise.all(clickers.map((c) => h.click(c, approve.verb, approve.data, {})));
  await h.jobs.drain();

  expect(results.every((r) => /Approved by (Megan Bowen|Alex Wilber)/.test(cardText(r?.reply.cards[0])))).toBe(true);
  const audit = await h.audit();
  expect(audit.filter((e) => e.action === 'approval.approved')).toHaveLength(1);
  expect(audit.filter((e) => e.action === 'approval.done')).toHaveLength(1);
  expect(audit.filter((e) => e.action === 'approval.refused')).toHaveLength(19);
  const approval = await h.ctx.store.records.get<{ decisions: unknown[]; state: string }>(
    'approvals',
    (sent.replyCardKey as string).replace('approval:', ''),
  );
  expect(approval?.value.decisions).toHaveLength(1);
  expect(approval?.value.state).toBe('done');
});

describe('forged, replayed and expired clicks are refused, audited, and execute nothing', () => {
  async function refusalsFor(reason: string) {
    return (await h.audit()).filter((e) => e.action === 'approval.refused' && e.details?.reason === reason);
  }
  async function nothingRan(approvalId: string) {
    await h.jobs.drain();
    const stored = await h.ctx.store.records.get<{ state: string }>('approvals', approvalId);
    expect(stored?.value.state).toBe('pending');
    expect((await h.audit()).some((e) => e.action === 'approval.done')).toBe(false);
  }

  test('the requester cannot approve her own request', async () => {
    const { approvalCard } = await adeleRequestsAccess();
    const approve = actionOf(approvalCard, 'Approve');
    const result = await h.click(as('adele'), approve.verb, approve.data, {});
    expect(result?.reply.text).toMatch(/cannot approve or reject your own request/);
    expect(await refusalsFor('ownRequest')).toHaveLength(1);
    await nothingRan(approve.data.approvalId as string);
  });

  test('someone who is not an approver of this request is refused', async () => {
    const { approvalCard } = await adeleRequestsAccess();
    const approve = actionOf(approvalCard, 'Approve');
    const result = await h.click(as('patti'), approve.verb, approve.data, {});
    expect(result?.reply.text).toMatch(/not one of the approvers/);
    expect(await refusalsFor('notApprover')).toHaveLength(1);
    await nothingRan(approve.data.approvalId as string);
  });

  test('an altered payload (hash mismatch) is refused', async () => {
    const { approvalCard } = await adeleRequestsAccess();
    const approve = actionOf(approvalCard, 'Approve');
    const result = await h.click(
      as('megan'),
      approve.verb,
      // Another first character (the hash is random-looking base64url: it may itself start with "x").
      {
        ...approve.data,
        hash: (String(approve.data.hash).startsWith('x') ? 'y' : 'x') + String(approve.data.hash).slice(1),
      },
      {},
    );
    expect(result?.reply.text).toMatch(/does not match the request/);
    expect(await refusalsFor('hashMismatch')).toHaveLength(1);
    await nothingRan(approve.data.approvalId as string);
  });

  test('an unknown approval id is refused', async () => {
    const result = await h.click(as('megan'), 'approval.approve', { approvalId: 'nope', hash: 'x' }, {});
    expect(result?.reply.text).toMatch(/could not find this request/);
    expect(await refusalsFor('unknownApproval')).toHaveLength(1);
  });

  test('a click from another tenant is refused', async () => {
    const { approvalCard } = await adeleRequestsAccess();
    const approve = actionOf(approvalCard, 'Approve');
    const outsider = as('megan', '99999999-9999-9999-9999-999999999999');
    const result = await h.click(outsider, approve.verb, approve.data, {});
    expect(result?.reply.text).toMatch(/another organization/);
    expect(await refusalsFor('otherTenant')).toHaveLength(1);
    await nothingRan(approve.data.approvalId as string);
  });

  test('a replay after the decision gets the current state and runs nothing again', async () => {
    const { approvalCard } = await adeleRequestsAccess();
    const approve = actionOf(approvalCard, 'Approve');
    await h.click(as('megan'), approve.verb, approve.data, {});
    await h.jobs.drain();

    const replay = await h.click(as('megan'), approve.verb, approve.data, {});
    const reject = actionOf(approvalCard, 'Reject');
    const lateReject = await h.click(as('alex'), reject.verb, reject.data, {});
    await h.jobs.drain();

    expect(cardText(replay?.reply.cards[0])).toMatch(/Approved by Megan Bowen — done/);
    expect(cardText(lateReject?.reply.cards[0])).toMatch(/Approved by Megan Bowen — done/);
    expect(await refusalsFor('alreadyDecided')).toHaveLength(2);
    expect((await h.audit()).filter((e) => e.action === 'approval.done')).toHaveLength(1);
  });

  test('a click after the expiry is refused and the request expires', async () => {
    const { approvalCard, sent } = await adeleRequestsAccess();
    h.clock.advance(25 * 3_600_000);
    const approve = actionOf(approvalCard, 'Approve');
    const result = await h.click(as('megan'), approve.verb, approve.data, {});
    await h.jobs.drain();

    expect(result?.reply.text).toMatch(/expired/);
    expect(await refusalsFor('expired')).toHaveLength(1);
    expect(cardText(h.notifier.latestCard(USERS.adele.id, sent.replyCardKey as string))).toMatch(/Expired/);
    const stored = await h.ctx.store.records.get<{ state: string }>('approvals', approve.data.approvalId as string);
    expect(stored?.value.state).toBe('expired');
  });
});

test('Reject ends the request, tells the requester, and runs nothing', async () => {
  const { approvalCard } = await adeleRequestsAccess();
  const reject = actionOf(approvalCard, 'Reject');
  await h.click(as('megan'), reject.verb, reject.data, { comment: 'use the team connection' });
  await h.jobs.drain();

  expect(h.notifier.textsTo(USERS.adele.id).join('\n')).toMatch(/Megan Bowen rejected .*use the team connection/);
  expect((await h.audit()).some((e) => e.action === 'approval.done')).toBe(false);
});

test('only the author of a draft can send it', async () => {
  const { confirm } = await (async () => {
    const reference = stockAlerts.connectionReferences.find((r) => r.connectionName);
    const asked = await h.click(
      as('adele'),
      'access.request',
      {
        environmentId: stockAlerts.environmentId,
        connector: reference?.connector,
        connectionName: reference?.connectionName,
        flowId: stockAlerts.id,
      },
      {},
    );
    return { confirm: asked?.reply.cards[0] };
  })();
  const send = actionOf(confirm, 'Send request');
  const stolen = await h.click(as('patti'), send.verb, send.data, { justification: 'mine now' });
  expect(stolen?.reply.text).toMatch(/Only the person who prepared this request/);
  expect(stolen?.notifications).toEqual([]);
});

// With several instances, the click's instance and the job's instance each update the other copies: if both did,
// the click's "running" could arrive after the job's "done" (seen in test/store/twoProcesses.test.ts).
test('the other copies of an approved request are updated by its job only: "running" first, then "done"', async () => {
  const { sent, approvalCard } = await adeleRequestsAccess();
  const approve = actionOf(approvalCard, 'Approve');
  const clicked = await h.click(as('megan'), approve.verb, approve.data, {});
  expect(clicked?.notifications).toEqual([]);
  await h.jobs.drain();

  const key = sent.replyCardKey as string;
  const adeleCopies = h.notifier.sent.filter((n) => n.toUserId === USERS.adele.id && n.cardKey === key);
  expect(adeleCopies.map((n) => /— (running…|done)/.exec(cardText(n.reply.cards[0]))?.[1])).toEqual([
    'running…',
    'done',
  ]);
});

// Teams shows an invoke response whenever it arrives, up to 15 s after the click: one that says "running…" may
// land after the job's final update (seen in test/store/twoProcesses.test.ts).
test('a click answered "running…" books one more update of the clicker’s card 15 s later, showing "done"', async () => {
  const { sent, approvalCard } = await adeleRequestsAccess();
  const enqueue = jest.spyOn(h.jobs, 'enqueue');
  const approve = actionOf(approvalCard, 'Approve');
  const clicked = await h.click(as('megan'), approve.verb, approve.data, {});
  expect(cardText(clicked?.reply.cards[0])).toMatch(/— running…/);
  const booked = enqueue.mock.calls.filter(([type]) => type === 'approval.lateView');
  expect(booked).toHaveLength(1);
  const [type, payload, options] = booked[0];
  expect(payload).toEqual({ approvalId: approve.data.approvalId, userId: USERS.megan.id });
  expect(options?.delayMs).toBe(15_000);
  await h.jobs.drain(); // the share runs; the booked update is not due yet

  // 15 s later (run now instead of waiting): Megan's copy gets the final card, whatever the late answer showed.
  const before = h.notifier.sent.length;
  await h.jobs.enqueue(type, payload);
  await h.jobs.drain();
  const late = h.notifier.sent.slice(before);
  expect(late.map((n) => [n.toUserId, n.cardKey])).toEqual([[USERS.megan.id, sent.replyCardKey]]);
  expect(cardText(late[0].reply.cards[0])).toMatch(/Approved by Megan Bowen — done/);

  // A click on a finished request is answered with the final card: nothing to book.
  enqueue.mockClear();
  const again = await h.click(as('megan'), approve.verb, approve.data, {});
  expect(cardText(again?.reply.cards[0])).toMatch(/— done/);
  expect(enqueue.mock.calls.filter(([t]) => t === 'approval.lateView')).toEqual([]);
});
