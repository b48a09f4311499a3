/**
 * The emulator refuses what the real services refuse (issue 17): unknown Dataverse properties, connectivity routes
 * used by an admin who neither owns nor was shared a connection, a connection PUT without the whole oauthSP set,
 * and it answers as they do: service-principal permissions named apart from the principal, regional next links on
 * the admin flow list, a withdrawn permission as the service's own 403.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { environmentHost } from '../../src/emulator/connectionModel';
import { APPS, CONNECTIONS, ENVIRONMENTS, TENANT_ID, USERS } from '../../src/emulator/fixture';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

const DV = 'shared_commondataserviceforapps';

interface WirePermission {
  name: string;
  id: string;
  properties: { roleName: string; principal: { id: string; type: string } };
}

describe('an emulator as strict as the services', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    emulator.control.setFaults('');
    emulator.control.reset();
  });

  const ppUrl = (env: string, connector: string, name: string) =>
    `${emulator.info.powerPlatform.replace('{environmentHost}', environmentHost(env))}/connectivity/connectors/${connector}/connections/${name}?api-version=1&$filter=environment eq '${env}'`;
  const adminConnection = (env: string, connector: string, name: string) =>
    `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apis/${connector}/connections/${name}`;

  describe('Dataverse', () => {
    let org: string;
    let token: string;
    beforeAll(async () => {
      org = emulator.info.dataverse[ENVIRONMENTS.prod.displayName];
      token = await http.botToken(`${org}/.default`);
    });
    const api = (path: string) => `${org}/api/data/v9.2/${path}`;

    it('refuses $select of a property the entity does not have, in the service’s words', async () => {
      const answer = await http.call('GET', api('connectionreferences?$select=connectionid,customconnectorid'), token);
      expect(answer.status).toBe(400);
      expect(answer.data).toEqual({
        error: {
          code: '0x80060888',
          message:
            "Could not find a property named 'customconnectorid' on type 'Microsoft.Dynamics.CRM.connectionreference'.",
        },
      });
    });

    it('refuses unknown $filter and $expand properties, and nested $select inside $expand', async () => {
      const filter = await http.call('GET', api('workflows?$filter=categoryx eq 5'), token);
      expect(filter.status).toBe(400);
      expect(JSON.stringify(filter.data)).toContain("'categoryx' on type 'Microsoft.Dynamics.CRM.workflow'");
      const expand = await http.call('GET', api('solutions?$expand=publisher($select=customizationprefix)'), token);
      expect(expand.status).toBe(400);
      const nested = await http.call('GET', api('solutions?$expand=publisherid($select=prefix)'), token);
      expect(JSON.stringify(nested.data)).toContain("'prefix' on type 'Microsoft.Dynamics.CRM.publisher'");
    });

    it('returns only the selected columns (and the key), under their real names', async () => {
      const answer = await http.call<{ value: Record<string, unknown>[] }>(
        'GET',
        api('connectionreferences?$select=connectionid,_customconnectorid_value'),
        token,
      );
      expect(answer.status).toBe(200);
      for (const row of answer.data.value) {
        expect(Object.keys(row).sort()).toEqual(
          ['@odata.etag', '_customconnectorid_value', 'connectionid', 'connectionreferenceid'].sort(),
        );
      }
      expect(answer.data.value.length).toBeGreaterThan(0);
    });
  });

  describe('Power Platform API connectivity routes (no admin scope)', () => {
    it('refuses a read and a PUT from the admin app on a connection it neither owns nor was shared', async () => {
      const token = await http.botToken(SCOPES.powerPlatform);
      // Megan's own SharePoint connection in PROD: the bot is an admin, but not shared on it.
      const url = ppUrl(ENVIRONMENTS.prod.id, 'shared_sharepointonline', CONNECTIONS.prodMeganSharePoint);
      expect((await http.call('GET', url, token)).status).toBe(403);
      const megan = http.userToken(USERS.megan.upn, SCOPES.powerPlatform);
      const own = await http.call<{ properties: Record<string, unknown> }>('GET', url, megan);
      expect(own.status).toBe(200);
      expect((await http.call('PUT', url, token, own.data)).status).toBe(403);
    });

    it('shows the admin app on the maker list only the connections it owns or was shared, not every one', async () => {
      const token = await http.botToken(SCOPES.powerApps);
      const mine = await http.call<{ value: { name: string; properties: { connectionParametersSet?: unknown } }[] }>(
        'GET',
        `${emulator.info.powerApps}/providers/Microsoft.PowerApps/connections?$filter=environment eq '${ENVIRONMENTS.prod.id}'`,
        token,
      );
      expect(mine.status).toBe(200);
      expect(mine.data.value.length).toBeGreaterThan(0);
      // Only the service-principal connections shared with it (as the deployment guide asks), no maker's own.
      expect(mine.data.value.every((c) => c.properties.connectionParametersSet !== undefined)).toBe(true);
      expect(mine.data.value.map((c) => c.name)).not.toContain(CONNECTIONS.prodMeganSharePoint);
    });

    it('refuses a PUT from a CanView grantee, takes one from a CanEdit grantee', async () => {
      // Megan's SQL Server connection (SQL authentication, not OAuth): the one kind a person may be shared.
      const SQL = 'shared_sql';
      const url = ppUrl(ENVIRONMENTS.dev.id, SQL, CONNECTIONS.devMeganSql);
      const share = async (roleName: string) =>
        http.call(
          'POST',
          `${adminConnection(ENVIRONMENTS.dev.id, SQL, CONNECTIONS.devMeganSql)}/modifyPermissions?api-version=2017-06-01`,
          await http.botToken(SCOPES.powerApps),
          {
            put: [{ properties: { roleName, principal: { id: USERS.adele.id, type: 'User', tenantId: TENANT_ID } } }],
            delete: [],
          },
        );
      expect((await share('CanView')).status).toBe(200);
      const adele = http.userToken(USERS.adele.upn, SCOPES.powerPlatform);
      const seen = await http.call<{ properties: { displayName: string } }>('GET', url, adele);
      expect(seen.status).toBe(200);
      const body = { properties: { displayName: `${seen.data.properties.displayName} (renamed)` } };
      expect((await http.call('PUT', url, adele, body)).status).toBe(403);
      expect((await share('CanEdit')).status).toBe(200);
      expect((await http.call('PUT', url, adele, body)).status).toBe(200);
    });

    it('refuses a PUT whose oauthSP set lacks a parameter a GET never returns', async () => {
      const token = await http.botToken(SCOPES.powerPlatform);
      const url = ppUrl(ENVIRONMENTS.prod.id, DV, CONNECTIONS.prodD365Dataverse);
      const got = await http.call<{
        properties: { connectionParametersSet: { values: Record<string, { value: string }> } };
      }>('GET', url, token);
      expect(got.status).toBe(200);
      expect(got.data.properties.connectionParametersSet.values['token:clientSecret']).toBeUndefined();
      const answer = await http.call('PUT', url, token, got.data);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.data)).toContain("'token'");
      expect(JSON.stringify(answer.data)).toContain("'token:clientSecret'");
    });
  });

  it('names a service principal’s permission apart from the principal, and removes it only by that name', async () => {
    const token = await http.botToken(SCOPES.powerApps);
    const base = adminConnection(ENVIRONMENTS.prod.id, DV, CONNECTIONS.prodCoeDataverse);
    const permissions = async () =>
      (await http.call<{ value: WirePermission[] }>('GET', `${base}/permissions?api-version=2017-06-01`, token)).data
        .value;
    const bot = (await permissions()).find((p) => p.properties.principal.id === APPS.bot.spId)!;
    expect(bot.properties.principal.type).toBe('ServicePrincipal');
    expect(bot.name).not.toBe(APPS.bot.spId);
    expect(bot.id.endsWith(`/permissions/${bot.name}`)).toBe(true);
    const owner = (await permissions()).find((p) => p.properties.roleName === 'Owner')!;
    expect(owner.name).toBe(owner.properties.principal.id);

    const remove = (id: string) =>
      http.call('POST', `${base}/modifyPermissions?api-version=2017-06-01`, token, { put: [], delete: [{ id }] });
    const byPrincipal = bot.id.replace(bot.name, APPS.bot.spId);
    expect((await remove(byPrincipal)).status).toBe(200);
    expect((await permissions()).some((p) => p.properties.principal.id === APPS.bot.spId)).toBe(true);
    expect((await remove(bot.id)).status).toBe(200);
    expect((await permissions()).some((p) => p.properties.principal.id === APPS.bot.spId)).toBe(false);
  });

  it('points the admin flow list’s next link at the regional alias when asked', async () => {
    emulator.control.setFaults('flow.adminListFlows:regionalNextLink=1');
    const token = await http.botToken(SCOPES.flow);
    const first = await http.call<{ nextLink?: string }>(
      'GET',
      `${emulator.info.flow}/providers/Microsoft.ProcessSimple/scopes/admin/environments/${ENVIRONMENTS.prod.id}/v2/flows?api-version=2016-11-01&$top=1`,
      token,
    );
    const next = new URL(first.data.nextLink!);
    expect(emulator.info.regionalHosts).toContain(next.hostname);
    expect(next.hostname).not.toBe(new URL(emulator.info.flow).hostname);
    const second = await http.call<{ value: unknown[] }>('GET', next.toString(), token);
    expect(second.status).toBe(200);
    expect(second.data.value).toHaveLength(1);
  });

  it('answers a withdrawn permission with the service’s own 403 (forbid fault)', async () => {
    emulator.control.setFaults('powerApps:forbid;graph.listApplications:forbid');
    const apps = await http.call('GET', `${emulator.info.graph}/applications`, await http.botToken(SCOPES.graph));
    expect(apps.status).toBe(403);
    expect(JSON.stringify(apps.data)).toContain('Authorization_RequestDenied');
    const list = await http.call(
      'GET',
      `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${ENVIRONMENTS.prod.id}/connections?api-version=2016-11-01`,
      await http.botToken(SCOPES.powerApps),
    );
    expect(list.status).toBe(403);
    expect(JSON.stringify(list.data)).toContain('does not have permission');
    const users = await http.call('GET', `${emulator.info.graph}/users`, await http.botToken(SCOPES.graph));
    expect(users.status).toBe(200);
  });
});
