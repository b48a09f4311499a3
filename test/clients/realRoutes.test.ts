/**
 * The clients against the stricter demo tenant (issue 17), one test per point: the real Dataverse property of a
 * reference's custom connector, flow reads on the admin routes, paging through the service's regional hosts, flow
 * list items without connection references, and a Dataverse Retry-After longer than the retry budget (a turn is
 * told how long to wait, a job waits it out).
 */
import { collect } from '../../src/clients';
import { isSameService } from '../../src/clients/paginate';
import { ENVIRONMENTS, FLOWS, USERS } from '../../src/emulator/fixture';
import { friendlyError } from '../../src/app/friendlyError';
import { isTenantApiError } from '../../src/tenant/errors';
import type { Environment } from '../../src/tenant/model';
import { withPatience } from '../../src/tenant/patience';
import { fastRetries, startDemoTenant, type DemoTenant } from './demoTenant';

describe('clients checked against the real contracts', () => {
  let tenant: DemoTenant;
  let environments: Environment[];
  beforeAll(async () => {
    tenant = await startDemoTenant();
    environments = await tenant.ports.connections.listEnvironments();
  });
  afterAll(() => tenant.close());
  afterEach(() => {
    tenant.emulator.control.setFaults('');
    tenant.emulator.control.reset();
  });
  const env = (id: string) => environments.find((e) => e.id === id)!;

  it('1: reads connection references with $select of real properties, custom connector included', async () => {
    const references = (
      await Promise.all(environments.map((e) => collect(tenant.ports.dataverse.listConnectionReferences(e))))
    ).flat();
    expect(references.length).toBeGreaterThan(3);
    const custom = references.filter((r) => r.customConnectorId !== undefined);
    expect(custom.length).toBeGreaterThan(0);
    expect(custom.every((r) => /^[0-9a-f-]{36}$/i.test(r.customConnectorId!))).toBe(true);
  });

  it('2: reads a flow and its owners that the bot does not own, through the admin routes', async () => {
    const flow = await tenant.ports.flows.getFlow(ENVIRONMENTS.dev.id, FLOWS.weeklyReport);
    expect(flow.displayName).toBe('Weekly report');
    expect(flow.connectionReferences.length).toBeGreaterThan(0);
    const owners = await tenant.ports.flows.listFlowOwners(ENVIRONMENTS.dev.id, FLOWS.weeklyReport);
    expect(owners.map((o) => o.principal.id)).toContain(USERS.megan.id);
  });

  it('2: a bot refused the admin routes says so, and reads again once the right is back', async () => {
    const ports = tenant.portsWith(fastRetries);
    tenant.emulator.control.setFaults('flow.adminGetFlow:forbid');
    const refused = await ports.flows.getFlow(ENVIRONMENTS.dev.id, FLOWS.weeklyReport).catch((e: unknown) => e);
    expect(isTenantApiError(refused) && refused.kind).toBe('forbidden');
    expect(String((refused as Error).message)).toMatch(/Microsoft\.ProcessSimple\/adminGetFlow/);
    tenant.emulator.control.setFaults('');
    expect((await ports.flows.getFlow(ENVIRONMENTS.dev.id, FLOWS.weeklyReport)).displayName).toBe('Weekly report');
  });

  it('5: follows the admin flow list through a regional next link', async () => {
    const scaled = await startDemoTenant({ scale: { seed: 7, size: 500 } });
    try {
      const synthetic = (await scaled.ports.connections.listEnvironments()).find(
        (e) => !Object.values(ENVIRONMENTS).some((n) => n.id === e.id),
      )!;
      const all = await collect(scaled.ports.flows.listFlows(synthetic.id));
      expect(all.length).toBeGreaterThan(50);
      // Pages of 50 (the service's default) whose next links go to the regional alias.
      scaled.emulator.control.setFaults('flow.adminListFlows:regionalNextLink=1;flow.adminListFlows:refuseQuery=$top');
      const fresh = scaled.portsWith(fastRetries);
      const paged = await collect(fresh.flows.listFlows(synthetic.id));
      expect(paged.map((f) => f.id).sort()).toEqual(all.map((f) => f.id).sort());
    } finally {
      await scaled.close();
    }
  });

  it('5: takes regional hosts of the same service only', () => {
    const flow = new URL('https://api.flow.microsoft.com/providers/x');
    const regional = { regionalSubdomains: true };
    expect(
      isSameService(flow, new URL('https://emea.api.flow.microsoft.com:11777/providers/x?$skiptoken=a'), regional),
    ).toBe(true);
    expect(isSameService(flow, new URL('https://emea.api.flow.microsoft.com/providers/x'), {})).toBe(false);
    expect(isSameService(flow, new URL('https://evil.com/api.flow.microsoft.com'), regional)).toBe(false);
    expect(isSameService(flow, new URL('https://api.flow.microsoft.com.evil.com/x'), regional)).toBe(false);
    expect(isSameService(flow, new URL('https://a.b.api.flow.microsoft.com/x'), regional)).toBe(false);
    expect(isSameService(flow, new URL('http://emea.api.flow.microsoft.com/x'), regional)).toBe(false);
    const apps = new URL('https://api.powerapps.com/providers/x');
    expect(isSameService(apps, new URL('https://unitedstates.api.powerapps.com/providers/x'), regional)).toBe(true);
    const loopback = new URL('https://127.0.0.1:4443/flow/x');
    expect(isSameService(loopback, new URL('https://localhost:4443/flow/x'), { extraHosts: ['localhost'] })).toBe(true);
  });

  it('7: reads a flow alone when the list item comes without its connection references', async () => {
    tenant.emulator.control.setFaults('flow.adminListFlows:withoutConnectionReferences=1');
    const flows = await collect(tenant.portsWith(fastRetries).flows.listFlows(ENVIRONMENTS.dev.id));
    const weekly = flows.find((f) => f.id === FLOWS.weeklyReport)!;
    expect(weekly.connectionReferences.map((r) => r.connector).sort()).toEqual(
      expect.arrayContaining(['shared_office365']),
    );
  });

  it('7: a Retry-After longer than the budget: a turn fails saying how long, a job waits it out', async () => {
    const prod = env(ENVIRONMENTS.prod.id);
    tenant.emulator.control.setFaults('dataverse:throttle=1/3');
    const ports = tenant.portsWith({ ...fastRetries, retry: { ...fastRetries.retry, maxTotalMs: 300 } });
    await collect(ports.dataverse.listSolutions(prod));
    const refused = await collect(ports.dataverse.listSolutions(prod)).catch((e: unknown) => e);
    expect(isTenantApiError(refused) && refused.kind).toBe('throttled');
    const wait = isTenantApiError(refused) ? refused.retryAfterMs : undefined;
    expect(wait).toBeGreaterThan(300);
    expect(friendlyError(refused).cards[0]).toBeDefined();
    expect(JSON.stringify(friendlyError(refused))).toMatch(/Try again in \d+ seconds/);

    const rows = await withPatience(60_000, () => collect(ports.dataverse.listSolutions(prod)));
    expect(rows.length).toBeGreaterThan(0);
  });
});
