/**
 * The job layer's last delivery reaches the re-point (RunControls.lastDelivery): a request approved through the
 * card verbs whose job fails in passing on the delivery the queue counts as its last (a runner told that the first
 * is the last) ends as the kind says — the flow it may have turned off turned back on, "needs attention" on every
 * copy of the card with what is where — instead of the job layer's "it failed N times".
 */
import { CONNECTIONS, ENVIRONMENTS, FLOWS } from '../../../src/emulator/fixture';
import { cardClicker } from '../../support/cardClicks';
import { callerFor, startTestComposition, type TestComposition } from '../../support/testComposition';
import { actionOf, cardText } from '../../approvals/cardInspection';
import { FAST_TENANT_PORTS } from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;

let t: TestComposition;
afterEach(() => t.close());

test("the last delivery's failure turns the flow back on and the card says what is where", async () => {
  t = await startTestComposition({
    compose: {
      jobRunner: { maxAttempts: 1, visibilityTimeoutMs: 5_000 },
      tenantPorts: FAST_TENANT_PORTS,
      repoint: {
        hooks: {
          // Once both references are bound, every read of a flow fails: the step fails in passing.
          afterSave: (saga) => {
            if (saga.state === 'restarting') t.emulator.control.setFaults('flow.adminGetFlow:error=1:503');
          },
        },
      },
    },
  });
  const bot = (await t.ctx.tenant.self!.principalId())!;
  await t.ctx.tenant.connections.modifyPermissions(PROD, 'shared_sharepointonline', CONNECTIONS.prodTechSharePoint, {
    put: [{ principal: { id: bot, type: 'ServicePrincipal' }, roleName: 'CanView' }],
  });
  const click = cardClicker({ ctx: t.ctx, approvals: t.composition.approvals });
  const lynne = callerFor('lynne', t.ctx.tenant.tenantId);
  const preview = await click(lynne, 'repoint.request', {
    solutionName: 'Vendor Management',
    target: 'D365-App-Registration',
  });
  const send = actionOf(preview.reply.cards[0], 'Send request');
  const sent = await click(lynne, send.verb, { ...send.data, justification: 'Lee left' });
  await t.notifier.send(sent.notifications ?? []);
  const toAlex = (sent.notifications ?? []).find((n) => n.toUserId === callerFor('alex').userId);
  const approve = actionOf(toAlex!.reply.cards[0], 'Approve');
  const approved = await click(callerFor('alex', t.ctx.tenant.tenantId), approve.verb, approve.data);
  await t.notifier.send(approved.notifications ?? []);
  await t.composition.jobs.drain();
  t.emulator.control.setFaults('');

  const key = `approval:${approve.data.approvalId as string}`;
  const card = cardText(t.notifier.latestCard(callerFor('lynne').userId, key));
  expect(card).toMatch(/needs attention|Needs attention/i);
  expect(card).toMatch(/gave up after repeated failures of the service: Vendor onboarding turned back on/);
  expect(card).not.toMatch(/It failed 1 times/);
  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Started');
  expect(t.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
  const actions = (await t.audit()).map((e) => `${e.action}:${e.outcome}`);
  expect(actions).toContain('repoint.flow.restored:success');
  expect(actions).toContain('approval.needsAttention:failure');
});
