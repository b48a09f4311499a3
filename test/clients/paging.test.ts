/** Paging across many pages on a scaled demo tenant: Graph's @odata.nextLink and the classic Power Apps nextLink. */
import { collect } from '../../src/clients';
import { fastRetries, startDemoTenant, type DemoTenant } from './demoTenant';

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

  it('asks the admin lists for pages of 250, and lists with the default pages where $top is refused', async () => {
    const environments = await tenant.ports.connections.listEnvironments();
    const sizes = await Promise.all(
      environments.map(async (e) => (await collect(tenant.ports.connections.listConnections(e.id))).length),
    );
    const biggest = environments[sizes.indexOf(Math.max(...sizes))];
    // Names in order (error messages carry the time of the answer).
    const names = (items: { name: string }[]) => items.map((c) => c.name);
    const expected = names(await collect(tenant.ports.connections.listConnections(biggest.id)));
    const flows = await collect(tenant.ports.flows.listFlows(biggest.id));
    expect(expected.length).toBeGreaterThan(250);
    const pages = async (list: () => Promise<unknown[]>, api: string) => {
      const before = tenant.emulator.control.requestCount(api);
      const items = await list();
      return { items, requests: tenant.emulator.control.requestCount(api) - before };
    };

    // Fresh clients (no memory of a refusal): 250 a page, against 100 and 50 by default.
    const fresh = tenant.portsWith(fastRetries);
    const big = await pages(() => collect(fresh.connections.listConnections(biggest.id)), 'powerApps');
    expect(names(big.items as { name: string }[])).toEqual(expected);
    expect(big.requests).toBe(Math.ceil(expected.length / 250));

    // A service that does not take $top: one refused request, then the default pages, and never $top again.
    tenant.emulator.control.setFaults('powerApps:refuseQuery=$top; flow:refuseQuery=$top');
    try {
      const strict = tenant.portsWith(fastRetries);
      const first = await pages(() => collect(strict.connections.listConnections(biggest.id)), 'powerApps');
      expect(names(first.items as { name: string }[])).toEqual(expected);
      expect(first.requests).toBe(1 + Math.ceil(expected.length / 100));
      const again = await pages(() => collect(strict.connections.listConnections(biggest.id)), 'powerApps');
      expect(again.requests).toBe(Math.ceil(expected.length / 100));
      expect((await collect(strict.flows.listFlows(biggest.id))).map((f) => f.id)).toEqual(flows.map((f) => f.id));
    } finally {
      tenant.emulator.control.setFaults('');
    }
  });
});
