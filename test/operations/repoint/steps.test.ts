/**
 * The re-point steps on their own, against the demo tenant: binding a reference (and again, which changes
 * nothing), a refusal kept as the tenant's typed error, and turning a flow off and on so it takes the new binding,
 * including after a crash left it off, and leaving alone a flow that already uses it; a connection in error is
 * refused before the bind and before a flow that is on is turned off (connectionReady.ts).
 */
import { collect } from '../../../src/clients';
import { CONNECTIONS, FLOWS } from '../../../src/emulator/fixture';
import type { RunningEmulator } from '../../../src/emulator';
import { bindReference } from '../../../src/operations/repoint/steps/bindReference';
import { environmentOf } from '../../../src/operations/repoint/steps/environmentOf';
import { isPermanentFailure } from '../../../src/operations/repoint/steps/permanentFailure';
import { restartFlow } from '../../../src/operations/repoint/steps/restartFlow';
import type { Environment } from '../../../src/tenant/model';
import { openContext, startTestEmulator, type OperationsContext } from '../../support/operationHarness';

const DATAVERSE_REF = 'vm_VMDataverseConnectionRef';

describe('re-point steps', () => {
  let emulator: RunningEmulator;
  let oc: OperationsContext;
  let prod: Environment;
  let referenceId: string;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    oc = await openContext(emulator);
  });
  afterAll(async () => {
    await oc.close();
    await emulator.close();
  });
  beforeEach(async () => {
    emulator.control.reset();
    emulator.control.setFaults('');
    const environments = await oc.ctx.tenant.connections.listEnvironments();
    prod = await environmentOf(oc.ctx, environments.find((e) => e.displayName === 'Contoso PROD')!.id);
    const refs = await collect(oc.ctx.tenant.dataverse.listConnectionReferences(prod));
    referenceId = refs.find((r) => r.logicalName === DATAVERSE_REF)!.id;
  });

  it('binds a reference, reports the previous binding, and binds again without a write', async () => {
    const first = await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodD365Dataverse);
    expect(first).toEqual({ before: CONNECTIONS.prodLeeDataverse, after: CONNECTIONS.prodD365Dataverse });
    emulator.control.setFaults('dataverse.update:error=1:503');
    // A second run (after a crash) finds the binding done and writes nothing, so the broken PATCH is never sent.
    const again = await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodD365Dataverse);
    expect(again).toEqual({ before: CONNECTIONS.prodD365Dataverse, after: CONNECTIONS.prodD365Dataverse });
    expect(emulator.control.connectionReference(prod.id, DATAVERSE_REF)?.connectionId).toBe(
      CONNECTIONS.prodD365Dataverse,
    );
  });

  it('keeps a refusal as a permanent failure and a 503 as a passing one, the binding unchanged', async () => {
    const refused = await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodTechSharePoint).catch((e) => e);
    expect(refused).toMatchObject({ kind: 'badRequest', code: '0x80040203' });
    expect(isPermanentFailure(refused)).toBe(true);
    emulator.control.setFaults('dataverse.update:error=1:503');
    const down = await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodD365Dataverse).catch((e) => e);
    expect(down).toMatchObject({ kind: 'unavailable' });
    expect(isPermanentFailure(down)).toBe(false);
    expect(emulator.control.connectionReference(prod.id, DATAVERSE_REF)?.connectionId).toBe(
      CONNECTIONS.prodLeeDataverse,
    );
  });

  it('turns a flow off and on so it uses the new binding, starts one a crash left off, and leaves a done one alone', async () => {
    await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodD365Dataverse);
    const expected = { [DATAVERSE_REF]: CONNECTIONS.prodD365Dataverse };
    const before = await oc.ctx.tenant.flows.getFlow(prod.id, FLOWS.nightlyExport);
    expect(before.state).toBe('Started');

    const first = await restartFlow(oc.ctx, prod.id, FLOWS.nightlyExport, expected);
    expect(first.restarted).toBe(true);
    expect(emulator.control.flow(prod.id, FLOWS.nightlyExport)?.state).toBe('Started');
    const used = first.flow.connectionReferences.find((r) => r.connectionReferenceLogicalName === DATAVERSE_REF);
    expect(used?.connectionName).toBe(CONNECTIONS.prodD365Dataverse);

    const again = await restartFlow(oc.ctx, prod.id, FLOWS.nightlyExport, expected);
    expect(again.restarted).toBe(false);

    // A crash between the stop and the start: the next run starts it.
    await oc.ctx.tenant.flows.stopFlow(prod.id, FLOWS.nightlyExport);
    const resumed = await restartFlow(oc.ctx, prod.id, FLOWS.nightlyExport, expected);
    expect(resumed.restarted).toBe(true);
    expect(emulator.control.flow(prod.id, FLOWS.nightlyExport)?.state).toBe('Started');
  });

  it('refuses to bind a connection in error, as a permanent failure, the binding unchanged', async () => {
    const refused = await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodCoeDataverse).catch((e) => e);
    expect(refused).toMatchObject({
      code: 'ConnectionNotReady',
      message: expect.stringMatching(/CoE-Sync-SP.* is in Error/),
    });
    expect(isPermanentFailure(refused)).toBe(true);
    expect(emulator.control.connectionReference(prod.id, DATAVERSE_REF)?.connectionId).toBe(
      CONNECTIONS.prodLeeDataverse,
    );
  });

  it('does not turn off a flow whose new connection is in error: refused while it is still on', async () => {
    await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodD365Dataverse);
    // D365-App-Registration's only secret ends in 10 days: a day later its connection is in error.
    emulator.control.setClockOffsetDays(11);
    try {
      const refused = await restartFlow(oc.ctx, prod.id, FLOWS.nightlyExport, {
        [DATAVERSE_REF]: CONNECTIONS.prodD365Dataverse,
      }).catch((e) => e);
      expect(refused).toMatchObject({ code: 'ConnectionNotReady' });
      expect(isPermanentFailure(refused)).toBe(true);
      expect(emulator.control.flow(prod.id, FLOWS.nightlyExport)?.state).toBe('Started');
    } finally {
      emulator.control.setClockOffsetDays(0);
    }
  });

  it('reports a start refused as permanent, the flow left off (the caller reads it and says so)', async () => {
    emulator.control.setFaults('flow.adminStartFlow:forbid;flow.startFlow:forbid');
    await bindReference(oc.ctx, prod, referenceId, CONNECTIONS.prodD365Dataverse);
    const refused = await restartFlow(oc.ctx, prod.id, FLOWS.nightlyExport, {
      [DATAVERSE_REF]: CONNECTIONS.prodD365Dataverse,
    }).catch((e) => e);
    expect(refused).toMatchObject({ kind: 'forbidden' });
    expect(isPermanentFailure(refused)).toBe(true);
    expect(emulator.control.flow(prod.id, FLOWS.nightlyExport)?.state).toBe('Stopped');
  });
});
