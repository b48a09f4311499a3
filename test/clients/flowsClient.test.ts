import { collect, createFlowsPortAs, demoUserCredential } from '../../src/clients';
import { isTenantApiError } from '../../src/tenant/errors';
import type { Environment, Flow } from '../../src/tenant/model';
import { fastRetries, startDemoTenant, type DemoTenant } from './demoTenant';
import { USERS } from '../../src/emulator/fixture';

const MEGAN = USERS.megan.id;
const ADELE = USERS.adele.id;

describe('FlowsClient against the demo tenant', () => {
  let tenant: DemoTenant;
  let dev: Environment;
  let weeklyReport: Flow;
  beforeAll(async () => {
    tenant = await startDemoTenant();
    dev = (await tenant.ports.connections.listEnvironments()).find((e) => e.displayName === 'Contoso DEV')!;
    weeklyReport = (await collect(tenant.ports.flows.listFlows(dev.id))).find(
      (f) => f.displayName === 'Weekly report',
    )!;
  });
  afterAll(() => tenant.close());

  it('lists flows with their connection references', () => {
    expect(weeklyReport).toMatchObject({ environmentId: dev.id, creatorId: MEGAN });
    expect(weeklyReport.connectionReferences.map((r) => r.connector).sort()).toEqual(
      ['shared_office365', 'shared_sharepointonline'].sort(),
    );
  });

  it('gets one flow and its owners', async () => {
    const flow = await tenant.ports.flows.getFlow(dev.id, weeklyReport.id);
    expect(flow).toMatchObject({ id: weeklyReport.id, displayName: 'Weekly report' });
    const owners = await tenant.ports.flows.listFlowOwners(dev.id, weeklyReport.id);
    expect(owners.map((o) => o.principal.id).sort()).toEqual([ADELE, MEGAN].sort());
    expect(owners.find((o) => o.principal.id === MEGAN)?.role).toBe('Owner');
  });

  it("refuses Adele turning on Megan's flow with ConnectionAuthorizationFailed", async () => {
    const info = tenant.emulator.info;
    const asAdele = createFlowsPortAs(
      tenant.endpoints,
      demoUserCredential(tenant.endpoints, info.clientId, 'adelev@example.com', 'demo'),
      fastRetries,
    );
    const error = await asAdele.startFlow(dev.id, weeklyReport.id).catch((e) => e);
    expect(isTenantApiError(error, 'ConnectionAuthorizationFailed')).toBe(true);
    expect(error.message).toContain(ADELE);
    // As a maker she still lists the flows she co-owns.
    expect((await collect(asAdele.listFlows(dev.id))).map((f) => f.id)).toContain(weeklyReport.id);
  });

  it('stops and starts a flow as the admin app', async () => {
    const { flows } = tenant.ports;
    const started = (await collect(flows.listFlows(dev.id))).find((f) => f.state === 'Started');
    expect(started).toBeDefined();
    await flows.stopFlow(dev.id, started!.id);
    expect((await flows.getFlow(dev.id, started!.id)).state).toBe('Stopped');
    await flows.startFlow(dev.id, started!.id);
    expect((await flows.getFlow(dev.id, started!.id)).state).toBe('Started');
  });
});
