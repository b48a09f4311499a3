/**
 * The re-point job under faults, as the rotation's are tested: a process killed before or after each write of the
 * record (then the job delivered again, in a restarted process), a 503 and a 429 beyond the retry budget on a bind,
 * a 503 on a flow's start. Each ends with both references on their new connections and both flows on and using
 * them, with exactly one write per reference and one start per flow in the tenant; while a fault lasts, each
 * reference is on its old or its new connection.
 */
import { CONNECTIONS, ENVIRONMENTS, FLOWS, USERS } from '../../../src/emulator/fixture';
import type { DomainContext } from '../../../src/context';
import { advanceRepoint } from '../../../src/operations/repoint/advanceRepoint';
import type { RepointOperation } from '../../../src/operations/repoint/repointOperation';
import type { RepointSaga } from '../../../src/operations/repoint/repointSaga';
import { repointOperation } from '../../../src/operations/repoint/definition';
import type { OperationStep } from '../../../src/operations/operationKind';
import { approvedRepoint, operationSuite } from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;
const DV_REF = 'vm_VMDataverseConnectionRef';
const SP_REF = 'vm_VMSharePointConnectionRef';
const noProgress = async (): Promise<void> => undefined;

const suite = operationSuite();
const writes = { binds: 0, starts: 0 };

/** Counts the tenant writes a context makes (every context of a test adds to the same counters). */
function counted(ctx: DomainContext): DomainContext {
  const dataverse = ctx.tenant.dataverse;
  const bind = dataverse.bindConnectionReference.bind(dataverse);
  dataverse.bindConnectionReference = async (...args) => {
    writes.binds++;
    return bind(...args);
  };
  const flows = ctx.tenant.flows;
  const start = flows.startFlow.bind(flows);
  flows.startFlow = async (...args) => {
    writes.starts++;
    return start(...args);
  };
  return ctx;
}

/** The approved plan (D365-App-Registration and the technical user's SharePoint), as a recorded saga. */
async function approved(approvalId: string): Promise<RepointOperation> {
  const { oc, emulator } = suite;
  writes.binds = 0;
  writes.starts = 0;
  // The technical user's connection shared with the bot (set-up, as docs/deployment.md asks of its owner).
  await oc.ctx.tenant.connections.modifyPermissions(PROD, 'shared_sharepointonline', CONNECTIONS.prodTechSharePoint, {
    put: [
      { principal: { id: (await oc.ctx.tenant.self!.principalId())!, type: 'ServicePrincipal' }, roleName: 'CanView' },
    ],
  });
  const operation = await approvedRepoint(oc.ctx, emulator.info.tenantId, approvalId);
  expect(operation.references).toHaveLength(2);
  counted(oc.ctx);
  return operation;
}

function expectOldOrNew(): void {
  expect([CONNECTIONS.prodLeeDataverse, CONNECTIONS.prodD365Dataverse]).toContain(
    suite.emulator.control.connectionReference(PROD, DV_REF)?.connectionId,
  );
  expect([CONNECTIONS.prodLeeSharePoint, CONNECTIONS.prodTechSharePoint]).toContain(
    suite.emulator.control.connectionReference(PROD, SP_REF)?.connectionId,
  );
}

function expectRepointed(): void {
  expect(suite.emulator.control.connectionReference(PROD, DV_REF)?.connectionId).toBe(CONNECTIONS.prodD365Dataverse);
  expect(suite.emulator.control.connectionReference(PROD, SP_REF)?.connectionId).toBe(CONNECTIONS.prodTechSharePoint);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const flow = suite.emulator.control.flow(PROD, flowId)!;
    expect(flow.state).toBe('Started');
    expect(flow.connections.shared_commondataserviceforapps).toBe(CONNECTIONS.prodD365Dataverse);
  }
  expect(suite.emulator.control.flow(PROD, FLOWS.vendorOnboarding)!.connections.shared_sharepointonline).toBe(
    CONNECTIONS.prodTechSharePoint,
  );
}

class Killed extends Error {}

// The run writes its record 8 times: flows read, then per reference (previous binding, bound), per flow, finished.
const SAVES = 8;

describe.each(['before', 'after'] as const)('a process killed %s a write of the record', (when) => {
  test.each(Array.from({ length: SAVES }, (_, i) => i + 1))(
    'at write %i: the job again finishes it once',
    async (n) => {
      await approved(`crash-${when}-${n}`);
      let saves = 0;
      const die = () => {
        if (++saves === n) throw new Killed(`killed ${when} write ${n}`);
      };
      const hooks = when === 'before' ? { beforeSave: die } : { afterSave: die };
      await expect(
        advanceRepoint(suite.oc.ctx, `crash-${when}-${n}`, noProgress, { hooks, leaseTtlMs: 5_000 }),
      ).rejects.toThrow(Killed);
      expectOldOrNew();
      // The job delivered again, in a restarted process. (The throwing hook lets the run release its lease; a
      // real kill leaves it to lapse, which test/operations/rotation/crashTakeover.test.ts covers for the saga lease.)
      const again = counted(await suite.oc.restart());
      const saga = await advanceRepoint(again, `crash-${when}-${n}`, noProgress, { leaseTtlMs: 5_000 });
      expect(saga?.state).toBe('done');
      expect(saga?.references.map((r) => r.previous)).toEqual([
        CONNECTIONS.prodLeeDataverse,
        CONNECTIONS.prodLeeSharePoint,
      ]);
      expectRepointed();
      // Exactly once in the tenant: a step done before the crash is not done again.
      expect(writes).toEqual({ binds: 2, starts: 2 });
      const finished = (await suite.oc.audit()).filter((e) => e.action === 'repoint.finished');
      expect(finished.map((e) => e.outcome)).toContain('success');
    },
  );
});

test('a 503 on a bind leaves the reference as it was; the job again finishes it', async () => {
  await approved('fault-503');
  suite.emulator.control.setFaults('dataverse.update:error=1:503');
  await expect(advanceRepoint(suite.oc.ctx, 'fault-503', noProgress)).rejects.toMatchObject({ kind: 'unavailable' });
  expectOldOrNew();
  suite.emulator.control.setFaults('');
  expect((await advanceRepoint(suite.oc.ctx, 'fault-503', noProgress))?.state).toBe('done');
  expectRepointed();
  // The refused bind, then one per reference: nothing done twice.
  expect(writes).toEqual({ binds: 3, starts: 2 });
});

test('a 429 beyond the retry budget on the second bind: the first stays done, the job again finishes', async () => {
  await approved('fault-429');
  suite.emulator.control.setFaults('dataverse.update:throttle=1/600');
  await expect(advanceRepoint(suite.oc.ctx, 'fault-429', noProgress)).rejects.toMatchObject({ kind: 'throttled' });
  expect(suite.emulator.control.connectionReference(PROD, DV_REF)?.connectionId).toBe(CONNECTIONS.prodD365Dataverse);
  expect(suite.emulator.control.connectionReference(PROD, SP_REF)?.connectionId).toBe(CONNECTIONS.prodLeeSharePoint);
  suite.emulator.control.setFaults('');
  expect((await advanceRepoint(suite.oc.ctx, 'fault-429', noProgress))?.state).toBe('done');
  expectRepointed();
  // The first bind, the throttled second, the second again.
  expect(writes).toEqual({ binds: 3, starts: 2 });
});

test("a 503 on a flow's start leaves it off until the job again turns it on", async () => {
  await approved('fault-start');
  suite.emulator.control.setFaults('flow.adminStartFlow:error=1:503');
  await expect(advanceRepoint(suite.oc.ctx, 'fault-start', noProgress)).rejects.toMatchObject({ kind: 'unavailable' });
  expect(suite.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Stopped');
  suite.emulator.control.setFaults('');
  const saga = await advanceRepoint(suite.oc.ctx, 'fault-start', noProgress);
  expect(saga?.state).toBe('done');
  expect(saga?.flows.map((f) => f.outcome)).toEqual(['restarted', 'restarted']);
  expectRepointed();
  // The refused start, the try to turn it back on before the job waits for its next delivery, then one per flow.
  expect(writes).toEqual({ binds: 2, starts: 4 });
});

/**
 * Hooks that break the Dataverse target just after both references are bound: D365-App-Registration's only secret
 * ends in 10 days, so a day later its connection is in error. The flows are then refused their new connections.
 */
function targetBreaksAfterBind(): { afterSave: (next: RepointSaga) => void } {
  let broke = false;
  return {
    afterSave: (next) => {
      if (next.state === 'restarting' && !broke) {
        broke = true;
        suite.emulator.control.setClockOffsetDays(11);
      }
    },
  };
}

/** Lee's Dataverse connection shared with the bot: Dataverse lets the bot bind only a connection it may use. */
async function leeSharesWithBot(): Promise<void> {
  const bot = (await suite.oc.ctx.tenant.self!.principalId())!;
  await suite.oc.ctx.tenant.connections.modifyPermissions(
    PROD,
    'shared_commondataserviceforapps',
    CONNECTIONS.prodLeeDataverse,
    { put: [{ principal: { id: bot, type: 'ServicePrincipal' }, roleName: 'CanView' }] },
  );
}

test('a target in error once bound: the flows go back on their previous connections, on', async () => {
  await approved('refused-start');
  await leeSharesWithBot();
  const saga = await advanceRepoint(suite.oc.ctx, 'refused-start', noProgress, { hooks: targetBreaksAfterBind() });
  expect(saga?.state).toBe('needsAttention');
  expect(saga?.flows.map((f) => f.outcome)).toEqual(['rolledBack', 'rolledBack']);
  expect(saga?.flows[0].error).toMatch(/D365-App-Registration.* is in Error/);
  // The reference whose target is in error is back on Lee's connection; the other keeps its new one.
  expect(saga?.references.map((r) => r.outcome)).toEqual(['rolledBack', 'bound']);
  expect(suite.emulator.control.connectionReference(PROD, DV_REF)?.connectionId).toBe(CONNECTIONS.prodLeeDataverse);
  expect(suite.emulator.control.connectionReference(PROD, SP_REF)?.connectionId).toBe(CONNECTIONS.prodTechSharePoint);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const flow = suite.emulator.control.flow(PROD, flowId)!;
    expect(flow.state).toBe('Started');
    expect(flow.connections.shared_commondataserviceforapps).toBe(CONNECTIONS.prodLeeDataverse);
  }
  const actions = (await suite.oc.audit()).map((e) => `${e.action}:${e.outcome}`);
  expect(actions).toContain('repoint.reference.rolledBack:success');
  expect(actions).toContain('repoint.finished:failure');
});

// A target in error once bound while the previous connections cannot be put back, and every start refused:
// repointCorners.test.ts.

test('killed while putting a reference back: the job again finishes the roll-back once', async () => {
  await approved('rollback-crash');
  await leeSharesWithBot();
  const die = (next: { references: { outcome: string }[] }) => {
    if (next.references.some((r) => r.outcome === 'rolledBack')) throw new Killed('killed before recording');
  };
  const hooks = { beforeSave: die, ...targetBreaksAfterBind() };
  await expect(
    advanceRepoint(suite.oc.ctx, 'rollback-crash', noProgress, { hooks, leaseTtlMs: 5_000 }),
  ).rejects.toThrow(Killed);
  expectOldOrNew();
  const saga = await advanceRepoint(counted(await suite.oc.restart()), 'rollback-crash', noProgress);
  expect(saga?.flows.map((f) => f.outcome)).toEqual(['rolledBack', 'rolledBack']);
  expect(suite.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
  expect(suite.emulator.control.connectionReference(PROD, DV_REF)?.connectionId).toBe(CONNECTIONS.prodLeeDataverse);
});

test('a stop whose answer is lost: the flow is turned back on before the job waits for its next delivery', async () => {
  await approved('lost-stop');
  // The stop is done, then the connection drops (every try): the step fails in passing with the flow off.
  suite.emulator.control.setFaults('flow.adminStopFlow:ambiguous=1;flow.stopFlow:ambiguous=1');
  await expect(advanceRepoint(suite.oc.ctx, 'lost-stop', noProgress)).rejects.toMatchObject({ name: 'TenantApiError' });
  // Between deliveries: on (with the new binding its reference names), not off.
  expect(suite.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Started');
  expectOldOrNew();
  suite.emulator.control.setFaults('');
  expect((await advanceRepoint(suite.oc.ctx, 'lost-stop', noProgress))?.state).toBe('done');
  expectRepointed();
});

test("the job's last delivery, failing too, turns back on the flow an earlier one left off and says so", async () => {
  await approved('give-up');
  const operation = repointOperation({ leaseTtlMs: 5_000 });
  const approval = {
    id: 'give-up',
    tenantId: suite.emulator.info.tenantId,
    requesterId: USERS.lynne.id,
    requesterName: 'Lynne Robbins',
    approverIds: [],
    operation: (await suite.oc.ctx.store.records.get<{ operation: RepointOperation }>('repoints', 'give-up'))!.value
      .operation,
  };
  const lists: OperationStep[][] = [];
  const controls = (lastDelivery: boolean) => ({
    progress: async () => undefined,
    steps: async (steps: readonly OperationStep[]) => void lists.push([...steps]),
    lastDelivery,
  });
  // An earlier delivery: every start fails, so the first flow is left off until the next one.
  suite.emulator.control.setFaults('flow.adminStartFlow:error=1:503;flow.startFlow:error=1:503');
  await expect(operation.run(suite.oc.ctx, approval, controls(false))).rejects.toMatchObject({ kind: 'unavailable' });
  expect(suite.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Stopped');
  // Its card says the step waits for the service.
  expect(lists.at(-1)?.find((s) => s.state === 'waiting')?.title).toBe('Turn Vendor onboarding off and on');
  // The last delivery: starts work again, but every read of a flow fails, so the step fails once more.
  suite.emulator.control.setFaults('flow.adminGetFlow:error=1:503;flow.getFlow:error=1:503');
  const outcome = await operation.run(suite.oc.ctx, approval, controls(true));
  expect(outcome.state).toBe('needsAttention');
  expect(outcome.result).toMatch(/gave up .*: Vendor onboarding turned back on/);
  expect(outcome.result).toMatch(/Nightly export was not turned off and on/);
  suite.emulator.control.setFaults('');
  expect(suite.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Started');
  // Nightly export was never turned off: still on. Every reference is on its old or its new connection.
  expect(suite.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
  expectOldOrNew();
  const saga = (await suite.oc.ctx.store.records.get<RepointSaga>('repoints', 'give-up'))!.value;
  expect(saga.state).toBe('needsAttention');
  expect(saga.flows.map((f) => f.outcome)).toEqual(['restored', 'pending']);
  expect((await suite.oc.audit()).map((e) => `${e.action}:${e.outcome}`)).toContain('repoint.flow.restored:success');
});

test('five runs at once (two instances, a redelivered job): one runs it, the others step aside', async () => {
  await approved('concurrent');
  const contexts = [
    suite.oc.ctx,
    ...(await Promise.all([1, 2, 3, 4].map(async () => counted(await suite.oc.restart())))),
  ];
  const results = await Promise.all(contexts.map((ctx) => advanceRepoint(ctx, 'concurrent', noProgress)));
  // Each is either the finished saga or "held by another" (undefined: its job is delivered again later).
  expect(results.filter((r) => r?.state === 'done').length).toBeGreaterThanOrEqual(1);
  expect(results.every((r) => r === undefined || r.state === 'done')).toBe(true);
  expect((await advanceRepoint(suite.oc.ctx, 'concurrent', noProgress))?.state).toBe('done');
  expectRepointed();
  expect(writes).toEqual({ binds: 2, starts: 2 });
});
