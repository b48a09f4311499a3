/**
 * The job layer's last delivery reaches the re-point (RunControls.lastDelivery): a request approved through the
 * card verbs whose job fails in passing on the delivery the queue counts as its last (a runner told that the first
 * is the last) ends as the kind says — the flow it may have turned off turned back on, "needs attention" on every
 * copy of the card with what is where — instead of the job layer's "it failed N times".
 */
import { CONNECTIONS, ENVIRONMENTS, FLOWS } from '../../../src/emulator/fixture';
import type { TestComposition } from '../../support/testComposition';
import { cardText } from '../../approvals/cardInspection';
import {
  actionsOf,
  REPOINT_VENDOR_MANAGEMENT,
  sendRequest,
  startOperationComposition,
} from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;

let t: TestComposition;
afterEach(() => t.close());

test("the last delivery's failure turns the flow back on and the card says what is where", async () => {
  t = await startOperationComposition(
    {
      jobRunner: { maxAttempts: 1, visibilityTimeoutMs: 5_000 },
      repoint: {
        hooks: {
          // Once both references are bound, every read of a flow fails: the step fails in passing.
          afterSave: (saga) => {
            if (saga.state === 'restarting') t.emulator.control.setFaults('flow.adminGetFlow:error=1:503');
          },
        },
      },
    },
    { techUserSharesSharePoint: false },
  );
  const bot = (await t.ctx.tenant.self!.principalId())!;
  await t.ctx.tenant.connections.modifyPermissions(PROD, 'shared_sharepointonline', CONNECTIONS.prodTechSharePoint, {
    put: [{ principal: { id: bot, type: 'ServicePrincipal' }, roleName: 'CanView' }],
  });
  const request = await sendRequest(t, REPOINT_VENDOR_MANAGEMENT, { deliver: true });
  await request.approve();
  await t.composition.jobs.drain();
  t.emulator.control.setFaults('');

  const card = cardText(t.notifier.latestCard(request.requester.userId, request.cardKey));
  expect(card).toMatch(/needs attention|Needs attention/i);
  expect(card).toMatch(/gave up after repeated failures of the service: Vendor onboarding turned back on/);
  expect(card).not.toMatch(/It failed 1 times/);
  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Started');
  expect(t.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
  const actions = actionsOf(await t.audit());
  expect(actions).toContain('repoint.flow.restored:success');
  expect(actions).toContain('approval.needsAttention:failure');
});
