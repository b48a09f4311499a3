import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { environmentHost } from '../../src/emulator/connectionModel';
import { CONNECTIONS, ENVIRONMENTS, FLOWS, TENANT_ID, USERS } from '../../src/emulator/fixture';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

describe('Flow API: turning flows on needs the connections', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.control.reset());

  const flowUrl = (env: string, flow: string, action = '') =>
    `${emulator.info.flow}/providers/Microsoft.ProcessSimple/environments/${env}/flows/${flow}${action}?api-version=2016-11-01`;

  it('describes Weekly report with its connection references and two owners', async () => {
    const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
    const flow = await http.call('GET', flowUrl(ENVIRONMENTS.dev.id, FLOWS.weeklyReport), adele);
    expect(flow.data.properties).toMatchObject({
      displayName: 'Weekly report',
      state: 'Stopped',
      creator: { objectId: USERS.megan.id },
      connectionReferences: {
        shared_office365: { connectionName: CONNECTIONS.devMeganOutlook, source: 'Embedded' },
        shared_sharepointonline: { connectionName: CONNECTIONS.devMeganSharePoint },
      },
    });
    const owners = await http.call<{ value: { properties: { roleName: string; principal: { id: string } } }[] }>(
      'GET',
      flowUrl(ENVIRONMENTS.dev.id, FLOWS.weeklyReport, '/permissions'),
      adele,
    );
    expect(owners.data.value.map((o) => [o.properties.principal.id, o.properties.roleName])).toEqual([
      [USERS.megan.id, 'Owner'],
      [USERS.adele.id, 'CanEdit'],
    ]);
  });

  const flowState = async (env: string, flow: string, token: string) =>
    ((await http.call('GET', flowUrl(env, flow), token)).data.properties as { state: string }).state;

  it('Weekly report: Adele is refused until Megan, who owns its OAuth connections, turns it on once', async () => {
    const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
    const refused = await http.call('POST', flowUrl(ENVIRONMENTS.dev.id, FLOWS.weeklyReport, '/start'), adele);
    expect(refused.status).toBe(403);
    const error = refused.data.error as { code: string; message: string };
    expect(error.code).toBe('ConnectionAuthorizationFailed');
    expect(error.message).toContain(`The caller object id is '${USERS.adele.id}'`);
    expect(error.message).toContain('cannot be used to activate this flow');

    // Megan cannot share her Outlook connection with Adele: it is an OAuth connection.
    const megan = http.userToken(USERS.megan.upn, SCOPES.powerPlatform);
    const base = emulator.info.powerPlatform.replace('{environmentHost}', environmentHost(ENVIRONMENTS.dev.id));
    const shared = await http.call(
      'POST',
      `${base}/connectivity/connectors/shared_office365/connections/${CONNECTIONS.devMeganOutlook}/modifyPermissions?api-version=1`,
      megan,
      {
        put: [
          { properties: { roleName: 'CanView', principal: { id: USERS.adele.id, type: 'User', tenantId: TENANT_ID } } },
        ],
      },
    );
    expect(shared.status).toBe(400);

    // Megan turns it on once: the flow gets permission to use her connections, and shows it.
    const meganFlow = http.userToken(USERS.megan.upn, SCOPES.flow);
    expect(
      (await http.call('POST', flowUrl(ENVIRONMENTS.dev.id, FLOWS.weeklyReport, '/start'), meganFlow)).status,
    ).toBe(200);
    const flow = await http.call('GET', flowUrl(ENVIRONMENTS.dev.id, FLOWS.weeklyReport), adele);
    expect((flow.data.properties as { connectionGrants: { connectionName: string }[] }).connectionGrants).toEqual([
      { connectionName: CONNECTIONS.devMeganOutlook },
      { connectionName: CONNECTIONS.devMeganSharePoint },
    ]);
    // From then on the co-owner can turn it off and on.
    expect((await http.call('POST', flowUrl(ENVIRONMENTS.dev.id, FLOWS.weeklyReport, '/stop'), adele)).status).toBe(
      200,
    );
    expect((await http.call('POST', flowUrl(ENVIRONMENTS.dev.id, FLOWS.weeklyReport, '/start'), adele)).status).toBe(
      200,
    );
    expect(await flowState(ENVIRONMENTS.dev.id, FLOWS.weeklyReport, adele)).toBe('Started');
  });

  it('Stock alerts: Adele may turn it on once Megan shares her SQL Server connection with her', async () => {
    const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
    const start = () => http.call('POST', flowUrl(ENVIRONMENTS.dev.id, FLOWS.stockAlerts, '/start'), adele);
    expect((await start()).status).toBe(403);
    const megan = http.userToken(USERS.megan.upn, SCOPES.powerPlatform);
    const base = emulator.info.powerPlatform.replace('{environmentHost}', environmentHost(ENVIRONMENTS.dev.id));
    const shared = await http.call(
      'POST',
      `${base}/connectivity/connectors/shared_sql/connections/${CONNECTIONS.devMeganSql}/modifyPermissions?api-version=1`,
      megan,
      {
        put: [
          { properties: { roleName: 'CanView', principal: { id: USERS.adele.id, type: 'User', tenantId: TENANT_ID } } },
        ],
      },
    );
    expect(shared.status).toBe(200);
    expect((await start()).status).toBe(200);
    expect(await flowState(ENVIRONMENTS.dev.id, FLOWS.stockAlerts, adele)).toBe('Started');
  });

  it('lets the admin app turn flows off and on through the admin routes, but not a flow with an unbound reference', async () => {
    const bot = await http.botToken(SCOPES.flow);
    const admin = (flow: string, action: string) =>
      `${emulator.info.flow}/providers/Microsoft.ProcessSimple/scopes/admin/environments/${ENVIRONMENTS.prod.id}/flows/${flow}${action}?api-version=2016-11-01`;
    expect((await http.call('POST', admin(FLOWS.vendorOnboarding, '/stop'), bot)).status).toBe(200);
    expect((await http.call('POST', admin(FLOWS.vendorOnboarding, '/start'), bot)).status).toBe(200);
    const unbound = await http.call('POST', admin(FLOWS.invoiceApproval, '/start'), bot);
    expect(unbound.status).toBe(400);
  });

  it('keeps the maker routes to owners and co-owners (admins included) and the admin routes to admins', async () => {
    const bot = await http.botToken(SCOPES.flow);
    const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
    const maker = flowUrl(ENVIRONMENTS.prod.id, FLOWS.vendorOnboarding, '');
    const admin = `${emulator.info.flow}/providers/Microsoft.ProcessSimple/scopes/admin/environments/${ENVIRONMENTS.prod.id}/flows/${FLOWS.vendorOnboarding}?api-version=2016-11-01`;
    expect((await http.call('GET', maker, bot)).status).toBe(403);
    expect(
      (await http.call('GET', flowUrl(ENVIRONMENTS.prod.id, FLOWS.vendorOnboarding, '/permissions'), bot)).status,
    ).toBe(403);
    expect((await http.call('GET', admin, bot)).status).toBe(200);
    expect((await http.call('GET', admin.replace('?', '/permissions?'), bot)).status).toBe(200);
    expect((await http.call('GET', admin, adele)).status).toBe(403);
  });

  it('lists every flow to admins (v2) and only their own to makers', async () => {
    const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
    const admin = `${emulator.info.flow}/providers/Microsoft.ProcessSimple/scopes/admin/environments/${ENVIRONMENTS.dev.id}/v2/flows?api-version=2016-11-01`;
    expect((await http.call('GET', admin, adele)).status).toBe(403);
    const bot = await http.botToken(SCOPES.flow);
    const all = await http.call<{ value: { name: string }[] }>('GET', admin, bot);
    expect(all.data.value.length).toBeGreaterThan(1);
    const mine = await http.call<{ value: { name: string }[] }>(
      'GET',
      `${emulator.info.flow}/providers/Microsoft.ProcessSimple/environments/${ENVIRONMENTS.dev.id}/flows?api-version=2016-11-01`,
      adele,
    );
    expect(mine.data.value.map((f) => f.name)).toEqual([FLOWS.weeklyReport, FLOWS.stockAlerts]);
  });
});
