/** Paging across many pages on a scaled demo tenant: Graph's @odata.nextLink and the classic Power Apps nextLink. */
import { collect } from '../../src/clients';
import { startDemoTenant, type DemoTenant } from './demoTenant';

describe('paging on a scaled demo tenant', () => {
  let tenant: DemoTenant;
  beforeAll(async () => {
    // About a fifth of SIZE are app registrations: more than one Graph page of 999.
    tenant = await startDemoTenant({ scale: { seed: 7, size: 6000 } });
  });
  afterAll(() => tenant.close());

  it('follows @odata.nextLink across pages and yields every application once', async () => {
    const before = tenant.emulator.control.requestCount('graph');
    const apps = await collect(tenant.ports.directory.listApplications());
    expect(apps.length).toBeGreaterThan(999);
    expect(new Set(apps.map((a) => a.id)).size).toBe(apps.length);
    expect(tenant.emulator.control.requestCount('graph') - before).toBeGreaterThanOrEqual(2);
  });

  it('follows the classic nextLink across pages of connections', async () => {
    const environments = await tenant.ports.connections.listEnvironments();
    const counts = await Promise.all(
      environments.map(async (e) => ({ connections: await collect(tenant.ports.connections.listConnections(e.id)) })),
    );
    const biggest = counts.sort((a, b) => b.connections.length - a.connections.length)[0];
    expect(biggest.connections.length).toBeGreaterThan(100);
    expect(new Set(biggest.connections.map((c) => c.name)).size).toBe(biggest.connections.length);
    expect(counts.flat().reduce((n, c) => n + c.connections.length, 0)).toBeGreaterThanOrEqual(6000);
  });
});
