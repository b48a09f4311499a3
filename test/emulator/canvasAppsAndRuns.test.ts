/**
 * The emulator's Power Apps admin list of canvas apps and the Flow runs list: admin scope only (403 for a maker, as
 * the real admin routes), `nextLink` paging of the apps at scale, runs newest first within the run history, and the
 * clients reading them (CanvasAppsClient, FlowsClient.latestRun).
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CANVAS_APPS, CONNECTION_REFERENCES, ENVIRONMENTS, FLOWS, USERS } from '../../src/emulator/fixture';
import { collect } from '../../src/clients';
import { startDemoTenant, type DemoTenant } from '../clients/demoTenant';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

describe('canvas apps and flow runs on the admin routes', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
  });
  afterAll(() => emulator.close());
  afterEach(() => emulator.control.setFaults(''));

  const appsUrl = (env: string) =>
    `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps?api-version=2017-08-01`;
  const runsUrl = (admin: boolean, flow: string) =>
    `${emulator.info.flow}/providers/Microsoft.ProcessSimple/${admin ? 'scopes/admin/' : ''}environments/${ENVIRONMENTS.prod.id}/flows/${flow}/runs?api-version=2016-11-01`;

  it('lists PROD’s canvas apps to the bot, with connectors (not connections) and a bound reference', async () => {
    const bot = await http.botToken(SCOPES.powerApps);
    const answer = await http.call<{ value: { name: string; properties: Record<string, unknown> }[] }>(
      'GET',
      appsUrl(ENVIRONMENTS.prod.id),
      bot,
    );
    expect(answer.status).toBe(200);
    const portal = answer.data.value.find((a) => a.name === CANVAS_APPS.vendorPortal.id);
    expect(portal?.properties).toMatchObject({ displayName: 'Vendor portal', owner: { id: USERS.lee.id } });
    const entries = Object.values(portal?.properties.connectionReferences as Record<string, Record<string, unknown>>);
    expect(entries.map((e) => e.id)).toContain('/providers/microsoft.powerapps/apis/shared_sharepointonline');
    expect(entries.every((e) => !('connectionName' in e))).toBe(true);
    const lookup = answer.data.value.find((a) => a.name === CANVAS_APPS.accountLookup.id);
    expect(Object.values(lookup?.properties.connectionReferences as Record<string, unknown>)).toEqual([
      expect.objectContaining({ connectionReferenceLogicalName: CONNECTION_REFERENCES.abcsolDataverse.logicalName }),
    ]);
  });

  it('refuses the apps list and the admin runs list to a maker who is not an admin (403)', async () => {
    const megan = http.userToken(USERS.megan.upn, SCOPES.powerApps);
    const apps = await http.call('GET', appsUrl(ENVIRONMENTS.prod.id), megan);
    expect(apps.status).toBe(403);
    expect(JSON.stringify(apps.data)).toMatch(/scopes\/admin\/environments\/apps\/read/);
    const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
    expect((await http.call('GET', runsUrl(true, FLOWS.nightlyExport), adele)).status).toBe(403);
    // The maker route answers owners only: Adele does not own Nightly export.
    expect((await http.call('GET', runsUrl(false, FLOWS.nightlyExport), adele)).status).toBe(403);
  });

  it('answers the runs list newest first, and nothing older than the run history', async () => {
    const bot = await http.botToken(SCOPES.flow);
    const runs = await http.call<{ value: { properties: { status: string; startTime: string; code?: string } }[] }>(
      'GET',
      runsUrl(true, FLOWS.nightlyExport),
      bot,
    );
    expect(runs.data.value.map((r) => r.properties.status)).toEqual(['Failed', 'Succeeded']);
    expect(runs.data.value[0].properties.code).toBe('ActionFailed');
    emulator.control.advanceClock(28 * 86_400_000);
    try {
      const later = await http.call<{ value: unknown[] }>('GET', runsUrl(true, FLOWS.nightlyExport), bot);
      expect(later.data.value).toEqual([]);
    } finally {
      emulator.control.advanceClock(-28 * 86_400_000);
    }
  });

  it('answers 503 when the fault plan says so, on the apps route alone', async () => {
    emulator.control.setFaults('powerApps.listCanvasApps:error=1:503');
    const bot = await http.botToken(SCOPES.powerApps);
    expect((await http.call('GET', appsUrl(ENVIRONMENTS.prod.id), bot)).status).toBe(503);
    const connections = `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${ENVIRONMENTS.prod.id}/connections?api-version=2016-11-01`;
    expect((await http.call('GET', connections, bot)).status).toBe(200);
  });
});

describe('the clients read them, paging through a big tenant', () => {
  let tenant: DemoTenant;
  beforeAll(async () => {
    tenant = await startDemoTenant({ scale: { seed: 7, size: 12_000 } });
  });
  afterAll(() => tenant.close());

  it('lists every app of the tenant, follows nextLink, and reads a flow’s newest run', async () => {
    const environments = await tenant.ports.connections.listEnvironments();
    const counts = await Promise.all(
      environments.map(async (e) => (await collect(tenant.ports.apps.listCanvasApps(e.id))).length),
    );
    // One synthetic app per 50 connections, and the two named ones in PROD.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12_000 / 50 + 2);
    const synthetic = environments.find((e, i) => counts[i] > 3)!;
    const http = new EmulatorHttp(tenant.emulator);
    const bot = await http.botToken(SCOPES.powerApps);
    let url: string | undefined =
      `${tenant.emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${synthetic.id}/apps?api-version=2017-08-01&$top=3`;
    const names: string[] = [];
    let pages = 0;
    while (url) {
      const page: { data: { value: { name: string }[]; nextLink?: string } } = await http.call('GET', url, bot);
      names.push(...page.data.value.map((a) => a.name));
      url = page.data.nextLink;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(new Set(names).size).toBe(counts[environments.indexOf(synthetic)]);
    const run = await tenant.ports.flows.latestRun(ENVIRONMENTS.prod.id, FLOWS.nightlyExport);
    expect(run).toMatchObject({ status: 'Failed', errorCode: 'ActionFailed' });
    expect(await tenant.ports.flows.latestRun(ENVIRONMENTS.prod.id, FLOWS.lunchOrder)).toBeUndefined();
  });
});
