/**
 * The handover run under faults and crashes, on the demo tenant and a real SQLite store: a process killed right
 * after each change (before it is recorded), a 503 storm and a 429 beyond the client's patience at each kind of
 * step, and two runners at once. Each time, a run delivered again (in a restarted process for a crash) finishes
 * the handover: both Vendor Management flows Lynne's, both references bound to the new connections, both flows on
 * with them, and each step audited once.
 */
import axios from 'axios';
import type { DomainContext } from '../../../src/context';
import type { RunningEmulator } from '../../../src/emulator';
import { environmentHost } from '../../../src/emulator/connectionModel';
import { APPS, CONNECTIONS, ENVIRONMENTS, FLOWS, USERS } from '../../../src/emulator/fixture';
import { buildHandoverPlan, type HandoverOperation } from '../../../src/operations/handover/handoverPlan';
import { HandoverBusyError, runHandover } from '../../../src/operations/handover/handoverRun';
import { openContext, startTestEmulator, type OperationsContext } from '../operationsHarness';

const PROD = ENVIRONMENTS.prod.id;
const NO_PROGRESS = { progress: async () => undefined, steps: async () => undefined };

let emulator: RunningEmulator;
let oc: OperationsContext;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.control.reset();
  emulator.control.setFaults('');
  await techUserSharesWithBot();
  oc = await openContext(emulator);
});
afterEach(async () => {
  emulator.control.setFaults('');
  await oc.close();
});

class Killed extends Error {}

async function techUserSharesWithBot(): Promise<void> {
  const info = emulator.info;
  const token = emulator.control.userToken(USERS.techUser.upn, 'https://api.powerplatform.com/.default');
  const base = info.powerPlatform.replace('{environmentHost}', environmentHost(PROD));
  const answer = await axios.post(
    `${base}/connectivity/connectors/shared_sharepointonline/connections/${CONNECTIONS.prodTechSharePoint}/modifyPermissions?api-version=1`,
    {
      put: [
        {
          properties: {
            roleName: 'CanView',
            principal: { id: APPS.bot.spId, type: 'ServicePrincipal', tenantId: info.tenantId },
          },
        },
      ],
    },
    { headers: { Authorization: `Bearer ${token}` }, validateStatus: () => true },
  );
  expect(answer.status).toBe(200);
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
  expect(emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodTechSharePoint,
  );
  const actions = (await oc.audit()).filter((e) => e.action.startsWith('handover.')).map((e) => e.action);
  expect(actions.sort()).toEqual(
    [
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
  'bind:first',
  'bind:second',
  `restart:${FLOWS.vendorOnboarding}`,
  `restart:${FLOWS.nightlyExport}`,
];

test.each(CRASH_POINTS)('killed right after the change %s: a restarted process finishes it once', async (point) => {
  const plan = await leeToLynne(oc.ctx);
  expect(plan.flows.map((f) => f.ownership)).toEqual(['dataverseOwner', 'dataverseOwner']);
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
    runHandover(oc.ctx, 'crash', plan, NO_PROGRESS, { hooks: { afterChange: kill } }),
  ).rejects.toBeInstanceOf(Killed);

  const restarted = await oc.restart();
  const record = await runHandover(restarted, 'crash', plan, NO_PROGRESS);
  expect(record.finished).toBe(true);
  await expectHandedOver(restarted);
});

const FAULTS = [
  ['a 503 storm on Dataverse writes (owner change, bind)', 'dataverse.update:error=1:503'],
  ['a 429 beyond the budget on Dataverse writes', 'dataverse.update:throttle=1/600'],
  ['a 503 storm on turning flows on', 'flow.adminStartFlow:error=1:503;flow.startFlow:error=1:503'],
  ['a 503 storm on turning flows off', 'flow.adminStopFlow:error=1:503;flow.stopFlow:error=1:503'],
];

test.each(FAULTS)('%s: the run stops where it was, and the run delivered again finishes', async (_name, faults) => {
  const plan = await leeToLynne(oc.ctx);
  emulator.control.setFaults(faults);
  const steps: string[] = [];
  await expect(
    runHandover(oc.ctx, 'fault', plan, {
      progress: async (text) => void steps.push(text),
      steps: async () => undefined,
    }),
  ).rejects.toMatchObject({ name: 'TenantApiError' });
  expect(steps.length).toBeGreaterThan(0);
  // Nothing is half-done: each flow is on, and each reference is bound either to Lee's or to its new connection.
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const state = emulator.control.flow(PROD, flowId)?.state;
    if (!/Stop/.test(faults) && !/Start/.test(faults)) expect(state).toBe('Started');
  }
  expect([CONNECTIONS.prodLeeSharePoint, CONNECTIONS.prodTechSharePoint]).toContain(
    emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId,
  );

  emulator.control.setFaults('');
  const record = await runHandover(oc.ctx, 'fault', plan, NO_PROGRESS);
  expect(record.finished).toBe(true);
  await expectHandedOver(oc.ctx);
});

test('two runners at once: one runs the handover, the other is told it is busy', async () => {
  const plan = await leeToLynne(oc.ctx);
  const other = await oc.restart();
  const results = await Promise.allSettled([
    runHandover(oc.ctx, 'race', plan, NO_PROGRESS),
    runHandover(other, 'race', plan, NO_PROGRESS),
  ]);
  const busy = results.filter((r) => r.status === 'rejected');
  expect(busy).toHaveLength(1);
  expect((busy[0] as PromiseRejectedResult).reason).toBeInstanceOf(HandoverBusyError);
  await expectHandedOver(oc.ctx);
  // Delivered again after it finished: nothing more happens.
  await runHandover(other, 'race', plan, NO_PROGRESS);
  await expectHandedOver(oc.ctx);
});
