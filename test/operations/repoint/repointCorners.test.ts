/**
 * The re-point's corners that could leave a flow OFF (neither on with its old connections nor on with its new ones),
 * on the demo tenant and a real SQLite store. Lee Gu's connections, the previous bindings, are not shared with the
 * bot here (as in the demo tenant), so a reference cannot be put back on them:
 * (a) the target connection is in error — before the job runs, or from just after its bind (D365-App-Registration's
 *     secret expires): the bind, or the turning off of each flow, is refused while the flows are still on;
 * (b) every start is refused, on the new connections and again: the first flow is off, said with its manual step,
 *     no other flow is turned off, and [Retry the re-point] finishes it once the service starts flows again.
 * Corner (c), a process killed during the job's last delivery, is in repointLastDeliveryKilled.test.ts.
 */
import { CONNECTIONS, ENVIRONMENTS, FLOWS, USERS } from '../../../src/emulator/fixture';
import { advanceRepoint } from '../../../src/operations/repoint/advanceRepoint';
import { repointOperation } from '../../../src/operations/repoint/definition';
import type { RepointOperation } from '../../../src/operations/repoint/repointOperation';
import type { RepointSaga } from '../../../src/operations/repoint/repointSaga';
import { repointSteps } from '../../../src/operations/repoint/repointSteps';
import { reopenRepoint } from '../../../src/operations/repoint/reopenRepoint';
import { actionsOf, approvedRepoint, operationSuite } from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;
const DV_REF = 'vm_VMDataverseConnectionRef';
const SP_REF = 'vm_VMSharePointConnectionRef';
/** D365-App-Registration's only secret ends in 10 days: a day later its Dataverse connection is in error. */
const SECRET_EXPIRED_DAYS = 11;
const noProgress = async (): Promise<void> => undefined;

const suite = operationSuite({ techUserSharesSharePoint: true });

/** The approved plan, recorded as a saga the test then advances. */
const approved = (approvalId: string): Promise<RepointOperation> =>
  approvedRepoint(suite.oc.ctx, suite.emulator.info.tenantId, approvalId);

const state = (flowId: string) => suite.emulator.control.flow(PROD, flowId)?.state;
const binding = (logicalName: string) => suite.emulator.control.connectionReference(PROD, logicalName)?.connectionId;
const dataverseOf = (flowId: string) =>
  suite.emulator.control.flow(PROD, flowId)?.connections.shared_commondataserviceforapps;

async function actions(): Promise<string[]> {
  return actionsOf(await suite.oc.audit());
}

test('(a) the target is in error when the job runs: it is not bound, and both flows stay on', async () => {
  await approved('target-broken');
  suite.emulator.control.setClockOffsetDays(SECRET_EXPIRED_DAYS);
  const saga = await advanceRepoint(suite.oc.ctx, 'target-broken', noProgress);
  expect(saga?.state).toBe('needsAttention');
  expect(saga?.references.map((r) => r.outcome)).toEqual(['failed', 'bound']);
  expect(saga?.references[0].error).toMatch(/D365-App-Registration.* is in Error/);
  // Nothing bound to the broken connection; each flow on, Dataverse still through Lee's connection.
  expect(binding(DV_REF)).toBe(CONNECTIONS.prodLeeDataverse);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(state(flowId)).toBe('Started');
    expect(dataverseOf(flowId)).toBe(CONNECTIONS.prodLeeDataverse);
  }
  expect(await actions()).toContain('repoint.reference.bound:failure');
});

test('(a) the target breaks just after its bind and Lee’s connections cannot be put back: no flow is turned off', async () => {
  await approved('target-breaks');
  let broke = false;
  const hooks = {
    afterSave: (next: RepointSaga) => {
      if (next.state === 'restarting' && !broke) {
        broke = true;
        suite.emulator.control.setClockOffsetDays(SECRET_EXPIRED_DAYS);
      }
    },
  };
  const saga = await advanceRepoint(suite.oc.ctx, 'target-breaks', noProgress, { hooks });
  expect(broke).toBe(true);
  expect(saga?.state).toBe('needsAttention');
  expect(saga?.flows.map((f) => f.outcome)).toEqual(['leftOn', 'leftOn']);
  // Each flow on, with the connections it started with (Lee's), not off.
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(state(flowId)).toBe('Started');
    expect(dataverseOf(flowId)).toBe(CONNECTIONS.prodLeeDataverse);
  }
  // The references keep their new connections (the roll-back was refused, said on each).
  expect(binding(DV_REF)).toBe(CONNECTIONS.prodD365Dataverse);
  expect(saga?.references[0].rollBackRefused).toMatch(/share it with the bot's service principal/);
  const steps = repointSteps(saga!).filter((s) => s.title.startsWith('Turn '));
  expect(steps.map((s) => s.detail)).toEqual([
    expect.stringMatching(/^still on, with the connections it started with: .*is in Error/),
    expect.stringMatching(/^still on, with the connections it started with: .*is in Error/),
  ]);
  const outcome = await finalOutcome('target-breaks');
  expect(outcome.result).toMatch(/Vendor onboarding was not turned off and on: .* It is on, with the connections/);
  expect(outcome.result).not.toMatch(/is OFF/);
});

test('(b) every start refused: one flow off, said with its manual step, no other turned off; [Retry] finishes it', async () => {
  await approved('starts-refused');
  suite.emulator.control.setFaults('flow.adminStartFlow:forbid;flow.startFlow:forbid');
  const saga = await advanceRepoint(suite.oc.ctx, 'starts-refused', noProgress);
  expect(saga?.state).toBe('needsAttention');
  expect(saga?.flows.map((f) => f.outcome)).toEqual(['failed', 'leftOn']);
  expect(state(FLOWS.vendorOnboarding)).toBe('Stopped');
  // Nightly export was never turned off: on, with the connections it started with.
  expect(state(FLOWS.nightlyExport)).toBe('Started');
  expect(dataverseOf(FLOWS.nightlyExport)).toBe(CONNECTIONS.prodLeeDataverse);
  const outcome = await finalOutcome('starts-refused');
  expect(outcome.state).toBe('needsAttention');
  expect(outcome.tellAdmins).toBe(true);
  expect(outcome.result).toMatch(
    /Vendor onboarding is OFF: .*must first be shared with the bot's service principal .*press \[Retry the re-point\].*make\.powerautomate\.com/,
  );
  expect(outcome.result).toMatch(/Nightly export was not turned off and on: Vendor onboarding could not be turned on/);
  const steps = repointSteps(saga!);
  expect(steps.find((s) => s.title === 'Turn Vendor onboarding off and on')?.detail).toMatch(/^it is OFF: /);
  expect(await actions()).toEqual(
    expect.arrayContaining([
      'repoint.flow.restarted:failure',
      'repoint.flow.leftOn:failure',
      'repoint.finished:failure',
    ]),
  );

  // The service starts flows again; an approver presses [Retry the re-point].
  suite.emulator.control.setFaults('');
  expect(await reopenRepoint(suite.oc.ctx, 'starts-refused', USERS.alex.id)).toBeDefined();
  // A second press finds it running again: nothing to reopen.
  expect(await reopenRepoint(suite.oc.ctx, 'starts-refused', USERS.alex.id)).toBeUndefined();
  const again = await advanceRepoint(suite.oc.ctx, 'starts-refused', noProgress);
  expect(again?.state).toBe('done');
  expect(binding(DV_REF)).toBe(CONNECTIONS.prodD365Dataverse);
  expect(binding(SP_REF)).toBe(CONNECTIONS.prodTechSharePoint);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(state(flowId)).toBe('Started');
    expect(dataverseOf(flowId)).toBe(CONNECTIONS.prodD365Dataverse);
  }
  expect(await actions()).toContain('repoint.reopened:info');
});

/** The outcome the kind reports for a finished saga (what every copy of the card and the requester are told). */
async function finalOutcome(approvalId: string) {
  const saga = (await suite.oc.ctx.store.records.get<RepointSaga>('repoints', approvalId))!.value;
  return repointOperation().run(
    suite.oc.ctx,
    {
      id: approvalId,
      tenantId: suite.emulator.info.tenantId,
      requesterId: USERS.lynne.id,
      requesterName: 'Lynne Robbins',
      approverIds: [],
      operation: saga.operation,
    },
    { progress: noProgress, steps: noProgress },
  );
}
