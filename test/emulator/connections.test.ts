import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { environmentHost } from '../../src/emulator/connectionModel';
import { APPS, CONNECTIONS, ENVIRONMENTS, GROUPS, TENANT_ID, USERS } from '../../src/emulator/fixture';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

interface WireConnection {
  name: string;
  properties: {
    displayName: string;
    statuses: { status: string; error?: { code: string; message: string } }[];
    connectionParametersSet?: { name: string; values: Record<string, { value: string }> };
    accountName?: string;
  };
}

const DV = 'shared_commondataserviceforapps';

describe('connections follow reality', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.control.reset());

  const ppUrl = (env: string, connector: string, name: string) =>
    `${emulator.info.powerPlatform.replace('{environmentHost}', environmentHost(env))}/connectivity/connectors/${connector}/connections/${name}?api-version=1&$filter=environment eq '${env}'`;
  const adminList = (env: string) =>
    `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/connections?api-version=2016-11-01`;
  const status = (c: WireConnection) => c.properties.statuses[0].status;

  it('serves the fixture states: SP secret expired, token refresh failed, configuration needed', async () => {
    const token = await http.botToken(SCOPES.powerApps);
    const prod = (await http.call<{ value: WireConnection[] }>('GET', adminList(ENVIRONMENTS.prod.id), token)).data
      .value;
    const byName = new Map(prod.map((c) => [c.name, c]));
    expect(status(byName.get(CONNECTIONS.prodCoeDataverse)!)).toBe('Error');
    expect(byName.get(CONNECTIONS.prodCoeDataverse)!.properties.statuses[0].error!.message).toMatch(/AADSTS7000222/);
    expect(status(byName.get(CONNECTIONS.prodMeganSharePoint)!)).toBe('Error');
    expect(byName.get(CONNECTIONS.prodMeganSharePoint)!.properties.statuses[0].error!.message).toMatch(/refresh/);
    expect(status(byName.get(CONNECTIONS.prodD365Dataverse)!)).toBe('Connected');
    const test = (await http.call<{ value: WireConnection[] }>('GET', adminList(ENVIRONMENTS.test.id), token)).data
      .value;
    expect(test.map(status)).toContain('ConfigurationNeeded');
  });

  it('pages the classic admin list with nextLink', async () => {
    const token = await http.botToken(SCOPES.powerApps);
    const first = await http.call<{ value: WireConnection[]; nextLink?: string }>(
      'GET',
      `${adminList(ENVIRONMENTS.prod.id)}&$top=4`,
      token,
    );
    expect(first.data.value).toHaveLength(4);
    const second = await http.call<{ value: WireConnection[] }>('GET', first.data.nextLink!, token);
    expect(second.data.value.map((c) => c.name)).not.toContain(first.data.value[0].name);
  });

  it('repairs the CoE connection by PUT with a fresh secret, never returning the secret', async () => {
    const graphToken = await http.botToken(SCOPES.graph);
    const added = await http.call(
      'POST',
      `${emulator.info.graph}/applications/${APPS.coeSync.id}/addPassword`,
      graphToken,
      {
        passwordCredential: { displayName: 'repair' },
      },
    );
    const token = await http.botToken(SCOPES.powerPlatform);
    const url = ppUrl(ENVIRONMENTS.prod.id, DV, CONNECTIONS.prodCoeDataverse);
    const before = (await http.call<WireConnection>('GET', url, token)).data;
    expect(status(before)).toBe('Error');
    expect(before.properties.connectionParametersSet!.values['token:clientSecret']).toBeUndefined();

    // The whole set goes back, with what a GET never returns: the secret and the consent redirect (`token`).
    before.properties.connectionParametersSet!.values.token = {
      value: 'https://global.consent.azure-apim.net/redirect/commondataserviceforapps',
    };
    const wrong = structuredClone(before);
    wrong.properties.connectionParametersSet!.values['token:clientSecret'] = { value: 'not-a-secret' };
    expect(status((await http.call<WireConnection>('PUT', url, token, wrong)).data)).toBe('Error');

    const right = structuredClone(before);
    right.properties.connectionParametersSet!.values['token:clientSecret'] = { value: added.data.secretText as string };
    const repaired = await http.call<WireConnection>('PUT', url, token, right);
    expect(status(repaired.data)).toBe('Connected');
    expect(JSON.stringify(repaired.data)).not.toContain(added.data.secretText as string);
    expect(status((await http.call<WireConnection>('GET', url, token)).data)).toBe('Connected');
  });

  it("turns a service-principal connection to Error when its app's secret expires or is removed", async () => {
    const token = await http.botToken(SCOPES.powerPlatform);
    const url = ppUrl(ENVIRONMENTS.prod.id, DV, CONNECTIONS.prodD365Dataverse);
    expect(status((await http.call<WireConnection>('GET', url, token)).data)).toBe('Connected');
    emulator.control.setClockOffsetDays(11);
    try {
      expect(status((await http.call<WireConnection>('GET', url, token)).data)).toBe('Error');
    } finally {
      emulator.control.setClockOffsetDays(0);
    }
    const graphToken = await http.botToken(SCOPES.graph);
    const app = await http.call('GET', `${emulator.info.graph}/applications/${APPS.d365.id}`, graphToken);
    const keyId = (app.data.passwordCredentials as { keyId: string }[])[0].keyId;
    await http.call('POST', `${emulator.info.graph}/applications/${APPS.d365.id}/removePassword`, graphToken, {
      keyId,
    });
    expect(status((await http.call<WireConnection>('GET', url, token)).data)).toBe('Error');
  });

  it('shares an OAuth connection only with a service principal; a SQL login connection also with a person', async () => {
    const token = await http.botToken(SCOPES.powerApps);
    const base = `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${ENVIRONMENTS.prod.id}/apis/shared_sharepointonline/connections/${CONNECTIONS.prodTechSharePoint}`;
    const share = (id: string, type: string, roleName: string) => ({
      put: [
        {
          properties: {
            roleName,
            capabilities: [],
            NotifyShareTargetOption: 'Notify',
            principal: { id, type, tenantId: TENANT_ID },
          },
        },
      ],
      delete: [],
    });
    const modify = (url: string, body: object) =>
      http.call('POST', `${url}/modifyPermissions?api-version=2017-06-01`, token, body);
    const toPerson = await modify(base, share(USERS.adele.id, 'User', 'CanView'));
    expect(toPerson.status).toBe(400);
    expect((toPerson.data.error as { code: string }).code).toBe('OAuthConnectionShareNotAllowed');
    expect((await modify(base, share(GROUPS.admins.id, 'Group', 'CanView'))).status).toBe(400);
    expect((await modify(base, share(TENANT_ID, 'Tenant', 'CanView'))).status).toBe(400);
    expect((await modify(base, share(APPS.almPipeline.spId, 'ServicePrincipal', 'CanView'))).status).toBe(200);
    const permissions = await http.call<{ value: { properties: { roleName: string; principal: { id: string } } }[] }>(
      'GET',
      `${base}/permissions?api-version=2017-06-01`,
      token,
    );
    expect(permissions.data.value.map((p) => [p.properties.principal.id, p.properties.roleName])).toEqual([
      [USERS.techUser.id, 'Owner'],
      [APPS.almPipeline.spId, 'CanView'],
    ]);

    const sql = `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${ENVIRONMENTS.dev.id}/apis/shared_sql/connections/${CONNECTIONS.devMeganSql}`;
    expect((await modify(sql, share(USERS.adele.id, 'User', 'CanView'))).status).toBe(200);
    expect((await modify(sql, share(TENANT_ID, 'Tenant', 'CanEdit'))).status).toBe(400);
  });

  it('keeps the admin list from makers (403) and shows them their own connections', async () => {
    const megan = http.userToken(USERS.megan.upn, SCOPES.powerApps);
    expect((await http.call('GET', adminList(ENVIRONMENTS.dev.id), megan)).status).toBe(403);
    const mine = await http.call<{ value: WireConnection[] }>(
      'GET',
      `${emulator.info.powerApps}/providers/Microsoft.PowerApps/apis/shared_office365/connections?$filter=environment eq '${ENVIRONMENTS.dev.id}'`,
      megan,
    );
    expect(mine.data.value.map((c) => c.name)).toEqual([CONNECTIONS.devMeganOutlook]);
  });
});
