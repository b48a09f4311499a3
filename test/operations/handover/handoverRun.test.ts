/**
 * The handover run under faults and crashes, on the demo tenant and a real SQLite store: a process killed right
 * after each change (before it is recorded), a 503 storm and a 429 beyond the client's patience at each kind of
 * step, and two runners at once. Each time, a run delivered again (in a restarted process for a crash) finishes
 * the handover: both Vendor Management flows Lynne's, Lee's canvas app Vendor portal Lynne's (Lee keeps Can view),
 * both references bound to the new connections, both flows on with them, and each step audited once.
 */
import type { DomainContext } from '../../../src/context';
import { APPS, CANVAS_APPS, CONNECTIONS, ENVIRONMENTS, FLOWS, USERS } from '../../../src/emulator/fixture';
import { buildHandoverPlan, type HandoverOperation } from '../../../src/operations/handover/handoverPlan';
import { handoverOperation, outcomeOf } from '../../../src/operations/handover/definition';
import { handoverSteps } from '../../../src/operations/handover/handoverSteps';
import { reopenHandover } from '../../../src/operations/handover/reopenHandover';
import { HandoverBusyError, runHandover, type HandoverRecord } from '../../../src/operations/handover/handoverRun';
import type { ApprovalView, OperationStep } from '../../../src/operations/operationKind';
import { operationSuite } from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;
const PORTAL = CANVAS_APPS.vendorPortal.id;
const NO_PROGRESS = { progress: async () => undefined, steps: async () => undefined };

const suite = operationSuite({ techUserSharesSharePoint: true });

class Killed extends Error {}

function approvalOf(id: string, plan: HandoverOperation): ApprovalView<HandoverOperation> {
  return {
    id,
    tenantId: suite.emulator.info.tenantId,
    requesterId: USERS.alex.id,
    requesterName: 'Alex Wilber',
    approverIds: [],
    operation: plan,
  };
}

/**
 * Hooks that break the Dataverse target once both references are bound: D365-App-Registration's only secret ends in
 * 10 days, so a day later its connection is in error and the flows are refused their new connections.
 */
function targetBreaksAfterBinds(then?: (step: string) => void): { afterChange: (step: string) => void } {
  let binds = 0;
  return {
    afterChange: (step) => {
      if (step.startsWith('bind:') && ++binds === 2) suite.emulator.control.setClockOffsetDays(11);
      then?.(step);
    },
  };
}

/** Lee's Dataverse connection shared with the bot: Dataverse lets the bot bind only a connection it may use. */
async function leeSharesWithBot(): Promise<void> {
  await suite.oc.ctx.tenant.connections.modifyPermissions(
    PROD,
    'shared_commondataserviceforapps',
    CONNECTIONS.prodLeeDataverse,
    { put: [{ principal: { id: APPS.bot.spId, type: 'ServicePrincipal' }, roleName: 'CanView' }] },
  );
}

function expectOldOrNew(): void {
  expect([CONNECTIONS.prodLeeDataverse, CONNECTIONS.prodD365Dataverse, CONNECTIONS.prodCoeDataverse]).toContain(
    suite.emulator.control.connectionReference(PROD, 'vm_VMDataverseConnectionRef')?.connectionId,
  );
  expect([CONNECTIONS.prodLeeSharePoint, CONNECTIONS.prodTechSharePoint]).toContain(
    suite.emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId,
  );
}

async function leeToLynne(ctx: DomainContext): Promise<HandoverOperation> {
  const lee = (await ctx.tenant.directory.getUser(USERS.lee.id))!;
  const lynne = (await ctx.tenant.directory.getUser(USERS.lynne.id))!;
  return buildHandoverPlan(ctx, lee, lynne);
}

/** The handover's end state in the tenant, and its audit: each step once. */
async function expectHandedOver(ctx: DomainContext): Promise<void> {
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const owners = await ctx.tenant.flows.listFlowOwners(PROD, flowId);
    expect(owners.map((o) => o.principal.id)).toEqual([USERS.lynne.id]);
    const flow = await ctx.tenant.flows.getFlow(PROD, flowId);
    expect(flow.state).toBe('Started');
    const names = flow.connectionReferences.map((r) => r.connectionName);
    expect(names).toContain(CONNECTIONS.prodD365Dataverse);
    expect(names).not.toContain(CONNECTIONS.prodLeeDataverse);
    expect(names).not.toContain(CONNECTIONS.prodLeeSharePoint);
  }
  expect(suite.emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodTechSharePoint,
  );
  expect(suite.emulator.control.canvasApp(PROD, PORTAL)).toEqual({
    ownerId: USERS.lynne.id,
    permissions: [{ principalId: USERS.lee.id, roleName: 'CanView' }],
  });
  const actions = (await suite.oc.audit()).filter((e) => e.action.startsWith('handover.')).map((e) => e.action);
  expect(actions.sort()).toEqual(
    [
      'handover.appOwnerChanged',
      'handover.ownerChanged',
      'handover.ownerChanged',
      'handover.referenceBound',
      'handover.referenceBound',
      'handover.flowRestarted',
      'handover.flowRestarted',
    ].sort(),
  );
}

const CRASH_POINTS = [
  `owner:${FLOWS.vendorOnboarding}`,
  `owner:${FLOWS.nightlyExport}`,
  `app:${PORTAL}`,
  'bind:first',
  'bind:second',
  `restart:${FLOWS.vendorOnboarding}`,
  `restart:${FLOWS.nightlyExport}`,
];

test.each(CRASH_POINTS)('killed right after the change %s: a restarted process finishes it once', async (point) => {
  const plan = await leeToLynne(suite.oc.ctx);
  expect(plan.flows.map((f) => f.ownership)).toEqual(['dataverseOwner', 'dataverseOwner']);
  expect(plan.apps?.map((a) => a.appId)).toEqual([PORTAL]);
  expect(plan.references.map((r) => r.to?.connectionName).sort()).toEqual(
    [CONNECTIONS.prodD365Dataverse, CONNECTIONS.prodTechSharePoint].sort(),
  );
  let binds = 0;
  const kill = (step: string) => {
    if (step.startsWith('bind:')) binds++;
    const at =
      point === 'bind:first'
        ? step.startsWith('bind:') && binds === 1
        : point === 'bind:second'
          ? step.startsWith('bind:') && binds === 2
          : step === point;
    if (at) throw new Killed(point);
  };
  await expect(
    runHandover(suite.oc.ctx, 'crash', plan, NO_PROGRESS, { hooks: { afterChange: kill } }),
  ).rejects.toBeInstanceOf(Killed);

  const restarted = await suite.oc.restart();
  const record = await runHandover(restarted, 'crash', plan, NO_PROGRESS);
  expect(record.finished).toBe(true);
  await expectHandedOver(restarted);
});

test('killed right after the app changed owner, before it was recorded: the restarted run reads it and skips', async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  const kill = (step: string) => {
    if (step === `app:${PORTAL}`) throw new Killed(step);
  };
  await expect(
    runHandover(suite.oc.ctx, 'app-crash', plan, NO_PROGRESS, { hooks: { afterChange: kill } }),
  ).rejects.toThrow(Killed);
  expect(suite.emulator.control.canvasApp(PROD, PORTAL)?.ownerId).toBe(USERS.lynne.id);
  // A second owner change would be refused now: the run must find the app Lynne's and only record it.
  suite.emulator.control.setFaults('powerApps.setCanvasAppOwner:forbid');
  const record = await runHandover(await suite.oc.restart(), 'app-crash', plan, NO_PROGRESS);
  expect(record.apps?.[PORTAL]).toEqual({ owner: 'done', alreadyOwner: true });
  expect(outcomeOf(plan, record).state).toBe('done');
  await expectHandedOver(suite.oc.ctx);
});

test('killed between the app step and the next: the restarted run goes on from the next step, once', async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  // The step list is reported before each step: the first report after the app is recorded is the crash point.
  const crashing = {
    progress: async () => undefined,
    steps: async (steps: OperationStep[]) => {
      const app = steps.find((s) => s.title === 'Make Lynne Robbins owner of the app Vendor portal');
      if (app?.state === 'done') throw new Killed('between steps');
    },
  };
  await expect(runHandover(suite.oc.ctx, 'between', plan, crashing)).rejects.toThrow(Killed);
  const stored = (await suite.oc.ctx.store.records.get<HandoverRecord>('handovers', 'between'))!.value;
  expect(stored.apps?.[PORTAL]).toEqual({ owner: 'done' });
  expect(Object.keys(stored.references)).toEqual([]);
  // Lee's SharePoint reference is still his: nothing after the app step ran.
  expect(suite.emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodLeeSharePoint,
  );
  suite.emulator.control.setFaults('powerApps.setCanvasAppOwner:forbid;powerApps.getCanvasApp:forbid');
  const record = await runHandover(await suite.oc.restart(), 'between', plan, NO_PROGRESS);
  suite.emulator.control.setFaults('');
  expect(record.finished).toBe(true);
  await expectHandedOver(suite.oc.ctx);
});

test('an app given to someone else since the approval is left alone; a refused change is said and retried', async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  await suite.oc.ctx.tenant.apps.setCanvasAppOwner(PROD, PORTAL, USERS.megan.id, 'CanView');
  const record = await runHandover(suite.oc.ctx, 'moved', plan, NO_PROGRESS);
  expect(suite.emulator.control.canvasApp(PROD, PORTAL)?.ownerId).toBe(USERS.megan.id);
  const outcome = outcomeOf(plan, record);
  expect(outcome.state).toBe('needsAttention');
  expect(outcome.result).toMatch(
    /Vendor portal \(canvas app\): Lynne Robbins could not be made its owner \(it is owned by Megan Bowen now, no longer by Lee Gu: left as it is\)/,
  );
  expect(outcome.result).toMatch(/Handed over to Lynne Robbins: Vendor onboarding, Nightly export\./);
  expect(handoverSteps(plan, record).find((s) => s.title.includes('Vendor portal'))).toMatchObject({
    state: 'failed',
  });
  expect((await suite.oc.audit()).map((e) => `${e.action}:${e.outcome}`)).toContain('handover.appOwnerRefused:failure');
});

test('the service refuses the owner change: said plainly, and [Retry the handover] gives the app once it is fixed', async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  suite.emulator.control.setFaults('powerApps.setCanvasAppOwner:forbid');
  const record = await runHandover(suite.oc.ctx, 'app-refused', plan, NO_PROGRESS);
  expect(record.apps?.[PORTAL]?.owner).toBe('refused');
  expect(suite.emulator.control.canvasApp(PROD, PORTAL)?.ownerId).toBe(USERS.lee.id);
  expect(outcomeOf(plan, record).result).toMatch(
    /Vendor portal \(canvas app\): Lynne Robbins could not be made its owner/,
  );
  // The flows and references went on regardless.
  expect(suite.emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodTechSharePoint,
  );
  suite.emulator.control.setFaults('');
  expect(await reopenHandover(suite.oc.ctx, 'app-refused', plan, USERS.alex.id)).toBeDefined();
  const retried = await runHandover(suite.oc.ctx, 'app-refused', plan, NO_PROGRESS);
  expect(outcomeOf(plan, retried).state).toBe('done');
  expect(outcomeOf(plan, retried).result).toMatch(
    /Canvas apps now owned by Lynne Robbins: Vendor portal \(Lee Gu keeps Can view\)\./,
  );
  expect(suite.emulator.control.canvasApp(PROD, PORTAL)?.ownerId).toBe(USERS.lynne.id);
});

const FAULTS = [
  ['a 503 storm on the app owner change', 'powerApps.setCanvasAppOwner:error=1:503'],
  ['a 503 storm on reading the app', 'powerApps.getCanvasApp:error=1:503'],
  ['an app owner change whose answer is always lost', 'powerApps.setCanvasAppOwner:ambiguous=1'],
  ['a 503 storm on Dataverse writes (owner change, bind)', 'dataverse.update:error=1:503'],
  ['a 429 beyond the budget on Dataverse writes', 'dataverse.update:throttle=1/600'],
  ['a 503 storm on turning flows on', 'flow.adminStartFlow:error=1:503;flow.startFlow:error=1:503'],
  ['a 503 storm on turning flows off', 'flow.adminStopFlow:error=1:503;flow.stopFlow:error=1:503'],
];

test.each(FAULTS)('%s: the run stops where it was, and the run delivered again finishes', async (_name, faults) => {
  const plan = await leeToLynne(suite.oc.ctx);
  suite.emulator.control.setFaults(faults);
  const lists: OperationStep[][] = [];
  await expect(
    handoverOperation().run(suite.oc.ctx, approvalOf('fault', plan), {
      progress: async () => undefined,
      steps: async (steps) => void lists.push([...steps]),
    }),
  ).rejects.toMatchObject({ name: 'TenantApiError' });
  // The card's last list says which step waits for the service to answer again.
  expect(lists.at(-1)?.filter((s) => s.state === 'waiting')).toHaveLength(1);
  // Nothing is half-done: each flow is on (a storm on starts is the one fault that keeps a stopped flow off until
  // the next delivery: no call can turn it on then), and each reference is bound to Lee's or its new connection.
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const state = suite.emulator.control.flow(PROD, flowId)?.state;
    if (!/Start/.test(faults)) expect(state).toBe('Started');
  }
  expect([CONNECTIONS.prodLeeSharePoint, CONNECTIONS.prodTechSharePoint]).toContain(
    suite.emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId,
  );

  suite.emulator.control.setFaults('');
  const record = await runHandover(suite.oc.ctx, 'fault', plan, NO_PROGRESS);
  expect(record.finished).toBe(true);
  await expectHandedOver(suite.oc.ctx);
});

test('two runners at once: one runs the handover, the other is told it is busy', async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  const other = await suite.oc.restart();
  const results = await Promise.allSettled([
    runHandover(suite.oc.ctx, 'race', plan, NO_PROGRESS),
    runHandover(other, 'race', plan, NO_PROGRESS),
  ]);
  const busy = results.filter((r) => r.status === 'rejected');
  expect(busy).toHaveLength(1);
  expect((busy[0] as PromiseRejectedResult).reason).toBeInstanceOf(HandoverBusyError);
  await expectHandedOver(suite.oc.ctx);
  // Delivered again after it finished: nothing more happens.
  await runHandover(other, 'race', plan, NO_PROGRESS);
  await expectHandedOver(suite.oc.ctx);
});

test("a target in error once bound: the references go back to Lee's and both flows are on again", async () => {
  await leeSharesWithBot();
  const plan = await leeToLynne(suite.oc.ctx);
  const record = await runHandover(suite.oc.ctx, 'rollback', plan, NO_PROGRESS, { hooks: targetBreaksAfterBinds() });
  expect(record.finished).toBe(true);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const flow = suite.emulator.control.flow(PROD, flowId)!;
    expect(flow.state).toBe('Started');
    expect(flow.connections.shared_commondataserviceforapps).toBe(CONNECTIONS.prodLeeDataverse);
    expect(record.flows[flowId].restart).toBe('rolledBack');
  }
  expect(suite.emulator.control.connectionReference(PROD, 'vm_VMDataverseConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodLeeDataverse,
  );
  const outcome = outcomeOf(plan, record);
  expect(outcome.state).toBe('needsAttention');
  expect(outcome.result).toMatch(/could not be turned on with the new connections .* runs again on Lee Gu's/);
  const actions = (await suite.oc.audit()).map((e) => `${e.action}:${e.outcome}`);
  expect(actions).toContain('handover.referenceRolledBack:success');
  expect(actions).toContain('handover.flowRestartRefused:failure');
});

test('killed right after putting a reference back: a restarted process finishes the roll-back once', async () => {
  await leeSharesWithBot();
  const plan = await leeToLynne(suite.oc.ctx);
  const kill = (step: string) => {
    if (step.startsWith('rollBack:')) throw new Killed(step);
  };
  await expect(
    runHandover(suite.oc.ctx, 'rollback-crash', plan, NO_PROGRESS, { hooks: targetBreaksAfterBinds(kill) }),
  ).rejects.toBeInstanceOf(Killed);
  expectOldOrNew();
  const record = await runHandover(await suite.oc.restart(), 'rollback-crash', plan, NO_PROGRESS);
  expect(Object.values(record.flows).map((f) => f.restart)).toEqual(['rolledBack', 'rolledBack']);
  expect(suite.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
});

test("a target in error once bound and Lee's connections cannot be put back: no flow is turned off", async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  const record = await runHandover(suite.oc.ctx, 'refused-both', plan, NO_PROGRESS, {
    hooks: targetBreaksAfterBinds(),
  });
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(record.flows[flowId]).toMatchObject({ restart: 'leftOn' });
    // On, with the connections it started with (Lee's), not off.
    expect(suite.emulator.control.flow(PROD, flowId)?.state).toBe('Started');
    expect(suite.emulator.control.flow(PROD, flowId)?.connections.shared_commondataserviceforapps).toBe(
      CONNECTIONS.prodLeeDataverse,
    );
  }
  expect(record.flows[FLOWS.nightlyExport].problem).toMatch(/D365-App-Registration.* is in Error/);
  const outcome = outcomeOf(plan, record);
  expect(outcome.state).toBe('needsAttention');
  expect(outcome.result).toMatch(/Nightly export: .*it is on, with the connections it started with/);
  expect(outcome.result).not.toMatch(/OFF/);
  expect((await suite.oc.audit()).map((e) => e.action)).toContain('handover.referenceRollBackRefused');
});

test('every start refused: one flow off, said with its manual step, no other turned off; [Retry] finishes it', async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  suite.emulator.control.setFaults('flow.adminStartFlow:forbid;flow.startFlow:forbid');
  const record = await runHandover(suite.oc.ctx, 'starts-refused', plan, NO_PROGRESS);
  const restarts = [FLOWS.vendorOnboarding, FLOWS.nightlyExport].map((id) => record.flows[id].restart);
  expect(restarts.sort()).toEqual(['leftOn', 'refused']);
  const [off, on] = [FLOWS.vendorOnboarding, FLOWS.nightlyExport].sort((a) =>
    record.flows[a].restart === 'refused' ? -1 : 1,
  );
  expect(suite.emulator.control.flow(PROD, off)?.state).toBe('Stopped');
  expect(suite.emulator.control.flow(PROD, on)?.state).toBe('Started');
  const outcome = outcomeOf(plan, record);
  expect(outcome.result).toMatch(
    /it is OFF: .*press \[Retry the handover\], or turn it on in Power Automate: https:\/\/make\.powerautomate\.com/,
  );
  expect(outcome.result).toMatch(/could not be turned on again, so the job turned no other flow off/);
  expect((await suite.oc.audit()).map((e) => `${e.action}:${e.outcome}`)).toContain('handover.flowLeftOn:failure');
  // The card's step list says where each flow is.
  const details = handoverSteps(plan, record)
    .filter((step) => step.title.startsWith('Turn '))
    .map((step) => step.detail);
  expect(details.sort()).toEqual([
    expect.stringMatching(/^it is OFF: /),
    expect.stringMatching(/^still on, with the connections it started with: not turned off and on/),
  ]);

  // The service starts flows again; an approver presses [Retry the handover].
  suite.emulator.control.setFaults('');
  expect(await reopenHandover(suite.oc.ctx, 'starts-refused', plan, USERS.alex.id)).toBeDefined();
  expect(await reopenHandover(suite.oc.ctx, 'starts-refused', plan, USERS.alex.id)).toBeUndefined();
  expect((await runHandover(suite.oc.ctx, 'starts-refused', plan, NO_PROGRESS)).finished).toBe(true);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const flow = suite.emulator.control.flow(PROD, flowId)!;
    expect(flow.state).toBe('Started');
    expect(flow.connections.shared_commondataserviceforapps).toBe(CONNECTIONS.prodD365Dataverse);
  }
  expect(
    outcomeOf(plan, (await suite.oc.ctx.store.records.get<HandoverRecord>('handovers', 'starts-refused'))!.value).state,
  ).toBe('done');
});

test('a stop whose answer is lost: the flow is turned back on before the job waits for its next delivery', async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  suite.emulator.control.setFaults('flow.adminStopFlow:ambiguous=1;flow.stopFlow:ambiguous=1');
  await expect(runHandover(suite.oc.ctx, 'lost-stop', plan, NO_PROGRESS)).rejects.toMatchObject({
    name: 'TenantApiError',
  });
  expect(suite.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Started');
  expectOldOrNew();
  suite.emulator.control.setFaults('');
  expect((await runHandover(suite.oc.ctx, 'lost-stop', plan, NO_PROGRESS)).finished).toBe(true);
  await expectHandedOver(suite.oc.ctx);
});

test("the job's last delivery, failing too, turns back on the flow an earlier one left off and says so", async () => {
  const plan = await leeToLynne(suite.oc.ctx);
  const operation = handoverOperation();
  const controls = (lastDelivery: boolean) => ({ ...NO_PROGRESS, lastDelivery });
  suite.emulator.control.setFaults('flow.adminStartFlow:error=1:503;flow.startFlow:error=1:503');
  await expect(operation.run(suite.oc.ctx, approvalOf('give-up', plan), controls(false))).rejects.toMatchObject({
    kind: 'unavailable',
  });
  const off = [FLOWS.vendorOnboarding, FLOWS.nightlyExport].filter(
    (id) => suite.emulator.control.flow(PROD, id)?.state === 'Stopped',
  );
  expect(off).toHaveLength(1);
  // The last delivery: starts work again, but every read of a flow fails.
  suite.emulator.control.setFaults('flow.adminGetFlow:error=1:503;flow.getFlow:error=1:503');
  const outcome = await operation.run(suite.oc.ctx, approvalOf('give-up', plan), controls(true));
  suite.emulator.control.setFaults('');
  expect(outcome.state).toBe('needsAttention');
  expect(outcome.result).toMatch(/gave up .*turned back on/);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(suite.emulator.control.flow(PROD, flowId)?.state).toBe('Started');
  }
  expectOldOrNew();
  const record = (await suite.oc.ctx.store.records.get<HandoverRecord>('handovers', 'give-up'))!.value;
  expect(record).toMatchObject({ finished: true, gaveUp: true });
  expect(record.flows[off[0]].restart).toBe('restored');
});

test('the new owner is read again before the app is given: an account gone since the approval gets nothing', async () => {
  const approved = await leeToLynne(suite.oc.ctx);
  // As if the new owner's account had been deleted between the approval and the run.
  const plan: HandoverOperation = { ...approved, toId: '00000000-0000-0000-0000-000000000999', toName: 'Pat Gone' };
  const record = await runHandover(suite.oc.ctx, 'gone', plan, NO_PROGRESS);
  expect(suite.emulator.control.canvasApp(PROD, PORTAL)).toEqual({ ownerId: USERS.lee.id, permissions: [] });
  expect(record.apps?.[PORTAL]).toMatchObject({ owner: 'refused' });
  expect(outcomeOf(plan, record).result).toMatch(
    /Vendor portal \(canvas app\): Pat Gone could not be made its owner \(Pat Gone's account is no longer in the directory: the app stays with Lee Gu\)/,
  );
});
