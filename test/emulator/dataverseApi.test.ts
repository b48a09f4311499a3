import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { APPS, COMPONENT_TYPE, ENVIRONMENTS, ROLES, SOLUTIONS, USERS } from '../../src/emulator/fixture';
import { EmulatorHttp } from './emulatorHttp';

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

describe('Dataverse Web API of the emulator', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  let org: string;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
    org = emulator.info.dataverse[ENVIRONMENTS.prod.displayName];
    token = await http.botToken(`${org}/.default`);
  });
  afterAll(() => emulator.close());
  const api = (path: string) => `${org}/api/data/v9.2/${path}`;

  it('pages with Prefer: odata.maxpagesize and an opaque @odata.nextLink until every row was seen', async () => {
    const all = await http.call<Page<{ connectionreferenceid: string }>>('GET', api('connectionreferences'), token);
    const ids: string[] = [];
    let url: string | undefined = api('connectionreferences');
    let pages = 0;
    while (url) {
      const page: { data: Page<{ connectionreferenceid: string }>; headers: Record<string, string> } = await http.call(
        'GET',
        url,
        token,
        undefined,
        { headers: { Prefer: 'odata.maxpagesize=2' } },
      );
      expect(page.data.value.length).toBeLessThanOrEqual(2);
      expect(page.headers['preference-applied']).toBe('odata.maxpagesize=2');
      ids.push(...page.data.value.map((r) => r.connectionreferenceid));
      url = page.data['@odata.nextLink'];
      if (url) expect(url).toContain('$skiptoken=');
      pages++;
    }
    expect(pages).toBe(Math.ceil(all.data.value.length / 2));
    expect(ids.sort()).toEqual(all.data.value.map((r) => r.connectionreferenceid).sort());
  });

  it('gives solutions their publisher prefix through $expand and filters components by solution', async () => {
    const solutions = await http.call<Page<{ solutionid: string; publisherid?: { customizationprefix: string } }>>(
      'GET',
      api('solutions?$select=solutionid,uniquename&$expand=publisherid($select=customizationprefix)'),
      token,
    );
    const lunch = solutions.data.value.find((s) => s.solutionid === SOLUTIONS.lunchOrder.id)!;
    expect(lunch.publisherid?.customizationprefix).toBe('lunch');
    const components = await http.call<Page<{ componenttype: number; _solutionid_value: string }>>(
      'GET',
      api(`solutioncomponents?$filter=_solutionid_value eq ${SOLUTIONS.lunchOrder.id}`),
      token,
    );
    expect(components.data.value.every((c) => c._solutionid_value === SOLUTIONS.lunchOrder.id)).toBe(true);
    expect(components.data.value.filter((c) => c.componenttype === COMPONENT_TYPE.workflow)).toHaveLength(1);
    expect(components.data.value.filter((c) => c.componenttype === COMPONENT_TYPE.connectionReference)).toHaveLength(3);
  });

  it("lists application users and the D365 app user's System Administrator role", async () => {
    const users = await http.call<Page<{ systemuserid: string; applicationid: string | null }>>(
      'GET',
      api('systemusers?$filter=accessmode eq 4'),
      token,
    );
    const d365 = users.data.value.find((u) => u.applicationid === APPS.d365.appId)!;
    const roles = await http.call<Page<{ name: string }>>(
      'GET',
      api(`systemusers(${d365.systemuserid})/systemuserroles_association?$select=name,roleid`),
      token,
    );
    expect(roles.data.value.map((r) => r.name)).toEqual([ROLES.systemAdministrator.name]);
  });

  it('serves cloud flows with clientdata naming their connection references', async () => {
    const flows = await http.call<Page<{ name: string; clientdata: string }>>(
      'GET',
      api('workflows?$filter=category eq 5'),
      token,
    );
    const lunch = flows.data.value.find((f) => f.name === 'Lunch order - create and store document')!;
    const refs = JSON.parse(lunch.clientdata).properties.connectionReferences as Record<
      string,
      { connection: { connectionReferenceLogicalName: string } }
    >;
    expect(Object.values(refs).map((r) => r.connection.connectionReferenceLogicalName)).toHaveLength(3);
  });

  it('refuses callers who are not users of the org, and unknown columns in $filter', async () => {
    const isaiah = http.userToken(USERS.isaiah.upn, `${org}/.default`);
    expect((await http.call('GET', api('solutions'), isaiah)).status).toBe(403);
    expect((await http.call('GET', api('solutions?$filter=nosuchcolumn eq 1'), token)).status).toBe(400);
    const otherOrg = await http.botToken(`${emulator.info.dataverse[ENVIRONMENTS.dev.displayName]}/.default`);
    expect((await http.call('GET', api('solutions'), otherOrg)).status).toBe(401);
  });
});
