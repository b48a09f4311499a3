import { collect } from '../../src/clients';
import type { Environment } from '../../src/tenant/model';
import { fastRetries, startDemoTenant, type DemoTenant } from './demoTenant';

describe('DataverseClient against the demo tenant', () => {
  let tenant: DemoTenant;
  let prod: Environment;
  beforeAll(async () => {
    tenant = await startDemoTenant();
    prod = (await tenant.ports.connections.listEnvironments()).find((e) => e.displayName === 'Contoso PROD')!;
  });
  afterAll(() => tenant.close());

  it('pages connection references two rows at a time and gets them all', async () => {
    const all = await collect(tenant.ports.dataverse.listConnectionReferences(prod));
    const before = tenant.emulator.control.requestCount('dataverse');
    const paged = await collect(
      tenant.portsWith({ ...fastRetries, dataversePageSize: 2 }).dataverse.listConnectionReferences(prod),
    );
    const requests = tenant.emulator.control.requestCount('dataverse') - before;

    expect(paged.map((r) => r.id).sort()).toEqual(all.map((r) => r.id).sort());
    expect(all.length).toBeGreaterThan(2);
    expect(requests).toBeGreaterThanOrEqual(Math.ceil(all.length / 2));
    const names = all.map((r) => r.displayName);
    expect(names).toEqual(
      expect.arrayContaining(['LUNCH Dataverse Connection Ref', 'ABCSOL DataVerse Connection Ref']),
    );
    expect(all.some((r) => r.connectionName === undefined)).toBe(true);
  });

  it('lists solutions with their publisher prefix, and their components', async () => {
    const solutions = await collect(tenant.ports.dataverse.listSolutions(prod));
    const lunch = solutions.find((s) => s.prefix?.toUpperCase() === 'LUNCH');
    expect(lunch).toBeDefined();
    const components = await collect(tenant.ports.dataverse.listSolutionComponents(prod, lunch!.id));
    expect(components.length).toBeGreaterThan(0);
    for (const c of components) expect(c.solutionId).toBe(lunch!.id);
    expect(components.some((c) => c.componentType === 29)).toBe(true);
  });

  it('lists application users with their security roles', async () => {
    const users = await collect(tenant.ports.dataverse.listApplicationUsers(prod));
    const d365 = (await collect(tenant.ports.directory.listApplications())).find(
      (a) => a.displayName === 'D365-App-Registration',
    )!;
    const appUser = users.find((u) => u.applicationId === d365.appId);
    expect(appUser?.roles.map((r) => r.name)).toContain('System Administrator');
  });

  it('lists solution flows with the connection references their definition uses', async () => {
    const flows = await collect(tenant.ports.dataverse.listSolutionFlows(prod));
    const lunch = flows.find((f) => f.name === 'Lunch order - create and store document');
    expect(lunch?.connectionReferenceLogicalNames.length).toBe(3);
  });

  it('yields nothing for an environment without Dataverse', async () => {
    const none = await collect(tenant.ports.dataverse.listSolutions({ ...prod, dataverseUrl: undefined }));
    expect(none).toEqual([]);
  });
});
