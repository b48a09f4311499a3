/**
 * Corner (c) of the re-point: the process is killed during the job's last delivery — the attempt that turns back on
 * what earlier deliveries left off. The queue then moves the job to its poison list, where neither a delivery nor
 * the job layer's give-up reaches it: without a recovery pass the flow stays OFF and the request "running" for
 * ever. Here four deliveries fail in passing (every start answers 503, so Vendor onboarding is left off), the fifth
 * and last hangs while it records its give-up (a kill: no answer, no heartbeat), and a restarted process, once the
 * service answers again, picks the abandoned job up and finishes it exactly once.
 */
import { CONNECTIONS, ENVIRONMENTS, FLOWS } from '../../../src/emulator/fixture';
import type { TestComposition } from '../../support/testComposition';
import { cardText } from '../../approvals/cardInspection';
import {
  actionsOf,
  deliverAllButLast,
  killOnce,
  lastDeliveryDies,
  LEASE_OUTLIVES_TEST_MS,
  restartAfterLeaseLapses,
  REPOINT_VENDOR_MANAGEMENT,
  sendRequest,
  startOperationComposition,
  type Kill,
} from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;

let t: TestComposition;
let kill: Kill;
afterEach(async () => {
  kill.release();
  await t.close();
});

test('a last delivery killed while restoring: a restarted process finishes the re-point once, both flows on', async () => {
  kill = killOnce();
  t = await startOperationComposition({
    jobRunner: { visibilityTimeoutMs: LEASE_OUTLIVES_TEST_MS },
    repoint: {
      hooks: {
        // The last delivery gives up and records "needs attention": the process dies right there, once.
        beforeSave: async (saga) => {
          if (saga.state === 'needsAttention') await kill.here();
        },
      },
    },
  });
  const request = await sendRequest(t, REPOINT_VENDOR_MANAGEMENT, { deliver: false });

  // Every start fails in passing: each delivery leaves Vendor onboarding off and the job is delivered again.
  t.emulator.control.setFaults('flow.adminStartFlow:error=1:503;flow.startFlow:error=1:503');
  await request.approve();
  await deliverAllButLast(t, LEASE_OUTLIVES_TEST_MS);
  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Stopped');
  // The last delivery: it tries to turn the flow back on (refused again), then dies while recording it.
  await lastDeliveryDies(t, kill);
  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Stopped');

  // A new process on the same store, once the service answers again; the dead one's job and lease have lapsed.
  t.emulator.control.setFaults('');
  const restarted = await restartAfterLeaseLapses(t, LEASE_OUTLIVES_TEST_MS);

  const approval = (
    await restarted.ctx.store.records.get<{ state: string; result?: string }>('approvals', request.approvalId)
  )?.value;
  expect(approval?.state).toBe('done');
  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Started');
  expect(t.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
  expect(t.emulator.control.connectionReference(PROD, 'vm_VMDataverseConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodD365Dataverse,
  );
  const card = cardText(t.notifier.latestCard(request.requester.userId, request.cardKey));
  expect(card).toMatch(/Vendor onboarding/);
  const actions = actionsOf(await t.audit());
  expect(actions.filter((a) => a === 'job.recovered:info')).toHaveLength(1);
  expect(actions.filter((a) => a.startsWith('approval.done'))).toHaveLength(1);

  // The dead process wakes up (only in a test): it finds the request finished and changes nothing.
  kill.release();
  await t.composition.jobs.drain();
  expect((await restarted.ctx.store.records.get<{ state: string }>('approvals', request.approvalId))?.value.state).toBe(
    'done',
  );
  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Started');
  // A later pass finds nothing left to recover.
  await restarted.jobs.drain();
  expect((await t.audit()).filter((e) => e.action === 'job.recovered')).toHaveLength(1);
});
