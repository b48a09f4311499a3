/**
 * A re-point that leaves a flow off, through the cards as people see them: every start is refused, so the job ends
 * "needs attention" with Vendor onboarding OFF and Nightly export left on, each said on the approver's card with its
 * step and the manual step, and [Retry the re-point] on it. Once the service starts flows again, Alex presses it:
 * the same job finishes the re-point, and every copy of the card says done.
 */
import { ENVIRONMENTS, FLOWS } from '../../../src/emulator/fixture';
import { cardClicker } from '../../support/cardClicks';
import { callerFor, startTestComposition, type TestComposition } from '../../support/testComposition';
import { techUserSharesSharePointWithBot } from '../../support/techUserShare';
import { actionOf, cardText } from '../../approvals/cardInspection';
import { FAST_TENANT_PORTS } from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;

let t: TestComposition;
afterEach(() => t.close());

test('a flow left off is on the card with its manual step, and [Retry the re-point] finishes it', async () => {
  t = await startTestComposition({ compose: { tenantPorts: FAST_TENANT_PORTS } });
  await techUserSharesSharePointWithBot(t.emulator);
  const click = cardClicker({ ctx: t.ctx, approvals: t.composition.approvals });
  const lynne = callerFor('lynne', t.ctx.tenant.tenantId);
  const alex = callerFor('alex', t.ctx.tenant.tenantId);
  const preview = await click(lynne, 'repoint.request', {
    solutionName: 'Vendor Management',
    target: 'D365-App-Registration',
  });
  const send = actionOf(preview.reply.cards[0], 'Send request');
  const sent = await click(lynne, send.verb, { ...send.data, justification: 'Lee left' });
  await t.notifier.send(sent.notifications ?? []);
  const toAlex = (sent.notifications ?? []).find((n) => n.toUserId === alex.userId);
  const approve = actionOf(toAlex!.reply.cards[0], 'Approve');
  const key = `approval:${approve.data.approvalId as string}`;

  t.emulator.control.setFaults('flow.adminStartFlow:forbid;flow.startFlow:forbid');
  const approved = await click(alex, approve.verb, approve.data);
  await t.notifier.send(approved.notifications ?? []);
  await t.composition.jobs.drain();

  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Stopped');
  expect(t.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
  const alexCard = t.notifier.latestCard(alex.userId, key);
  const text = cardText(alexCard);
  expect(text).toMatch(/needs attention/i);
  expect(text).toMatch(/Vendor onboarding is OFF: .*press \[Retry the re-point\]/);
  expect(text).toMatch(/Turn Vendor onboarding off and on — it is OFF/);
  expect(text).toMatch(/Turn Nightly export off and on — still on, with the connections it started with/);
  // The requester's copy says the same.
  expect(cardText(t.notifier.latestCard(lynne.userId, key))).toMatch(/Vendor onboarding is OFF/);

  t.emulator.control.setFaults('');
  const retry = actionOf(alexCard, 'Retry the re-point');
  const retried = await click(alex, retry.verb, retry.data);
  await t.notifier.send(retried.notifications ?? []);
  await t.composition.jobs.drain();

  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(t.emulator.control.flow(PROD, flowId)?.state).toBe('Started');
  }
  const after = cardText(t.notifier.latestCard(lynne.userId, key));
  expect(after).not.toMatch(/is OFF/);
  expect(after).toMatch(/Vendor onboarding, Nightly export turned off and on, and verified on the new connections/);
  const actions = (await t.audit()).map((e) => `${e.action}:${e.outcome}`);
  expect(actions).toEqual(
    expect.arrayContaining(['approval.needsAttention:failure', 'approval.retried:success', 'repoint.reopened:info']),
  );
  expect(actions.filter((a) => a === 'repoint.finished:success')).toHaveLength(1);
});
