/**
 * Corner (c) of the handover, as of the re-point (test/operations/repoint/repointLastDeliveryKilled.test.ts): four
 * deliveries fail in passing (every start answers 503, so a flow is left off), the fifth and last dies while it
 * records its give-up, and a restarted process, once the service answers again, picks the abandoned job up from the
 * poison list and finishes the handover once: both flows Lynne's and on, with the new connections.
 */
import { CONNECTIONS, ENVIRONMENTS, FLOWS } from '../../../src/emulator/fixture';
import type { TestComposition } from '../../support/testComposition';
import {
  actionsOf,
  deliverAllButLast,
  HANDOVER_LEE_TO_LYNNE,
  killOnce,
  lastDeliveryDies,
  LEASE_OUTLIVES_TEST_MS,
  restartAfterLeaseLapses,
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

test('a last delivery killed while restoring: a restarted process finishes the handover once', async () => {
  kill = killOnce();
  t = await startOperationComposition({
    jobRunner: { visibilityTimeoutMs: LEASE_OUTLIVES_TEST_MS },
    handover: {
      hooks: {
        afterChange: async (step) => {
          if (step === 'giveUp') await kill.here();
        },
      },
    },
  });
  const request = await sendRequest(t, HANDOVER_LEE_TO_LYNNE, { deliver: false });

  t.emulator.control.setFaults('flow.adminStartFlow:error=1:503;flow.startFlow:error=1:503');
  await request.approve();
  await deliverAllButLast(t, LEASE_OUTLIVES_TEST_MS);
  const off = () =>
    [FLOWS.vendorOnboarding, FLOWS.nightlyExport].filter(
      (id) => t.emulator.control.flow(PROD, id)?.state !== 'Started',
    );
  expect(off()).toHaveLength(1);
  await lastDeliveryDies(t, kill);
  expect(off()).toHaveLength(1);

  t.emulator.control.setFaults('');
  const restarted = await restartAfterLeaseLapses(t, LEASE_OUTLIVES_TEST_MS);

  const approval = (await restarted.ctx.store.records.get<{ state: string }>('approvals', request.approvalId))?.value;
  expect(approval?.state).toBe('done');
  expect(off()).toEqual([]);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(t.emulator.control.flow(PROD, flowId)?.connections.shared_commondataserviceforapps).toBe(
      CONNECTIONS.prodD365Dataverse,
    );
  }
  const actions = actionsOf(await t.audit());
  expect(actions.filter((a) => a === 'job.recovered:info')).toHaveLength(1);
  expect(actions.filter((a) => a === 'approval.done:success')).toHaveLength(1);
});
