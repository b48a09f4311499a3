import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { APPS, GROUPS, USERS } from '../../src/emulator/fixture';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

describe('Graph directory APIs of the emulator', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
    token = await http.botToken(SCOPES.graph);
  });
  afterAll(() => emulator.close());
  const graph = (path: string) => `${emulator.info.graph}${path}`;

  it('pages applications with $top and an opaque @odata.nextLink that keeps $select', async () => {
    const seen: string[] = [];
    let url: string | undefined = graph('/applications?$select=id,displayName&$top=2');
    let pages = 0;
    while (url) {
      const page: { data: { value: { id: string; appId?: string }[]; '@odata.nextLink'?: string } } = await http.call(
        'GET',
        url,
        token,
      );
      pages++;
      expect(page.data.value.length).toBeLessThanOrEqual(2);
      for (const app of page.data.value) {
        expect(app.appId).toBeUndefined();
        seen.push(app.id);
      }
      url = page.data['@odata.nextLink'];
      if (url) expect(url).not.toMatch(/\$skip=/);
    }
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen)).toEqual(new Set(Object.values(APPS).map((a) => a.id)));
  });

  it('filters applications by appId and refuses a page size over 999', async () => {
    const found = await http.call('GET', graph(`/applications?$filter=appId eq '${APPS.d365.appId}'`), token);
    expect((found.data.value as { displayName: string }[]).map((a) => a.displayName)).toEqual([
      'D365-App-Registration',
    ]);
    const tooBig = await http.call('GET', graph('/applications?$top=1000'), token);
    expect(tooBig.status).toBe(400);
  });

  it('lists password credentials with hints but never their secret', async () => {
    const app = await http.call('GET', graph(`/applications/${APPS.legacy.id}`), token);
    const credentials = app.data.passwordCredentials as { hint: string; secretText: unknown; endDateTime: string }[];
    expect(credentials).toHaveLength(2);
    for (const c of credentials) {
      expect(c.secretText).toBeNull();
      expect(c.hint).toHaveLength(3);
    }
    const ends = credentials.map((c) => Date.parse(c.endDateTime) - Date.now());
    expect(ends.some((ms) => ms < 0)).toBe(true);
    expect(ends.some((ms) => ms > 0)).toBe(true);
  });

  it('answers an unknown application with Request_ResourceNotFound', async () => {
    const missing = await http.call('GET', graph('/applications/00000000-0000-4000-8000-00000000dead'), token);
    expect(missing.status).toBe(404);
    expect((missing.data.error as { code: string }).code).toBe('Request_ResourceNotFound');
  });

  it('reads users by id or UPN (a disabled account, a guest) and group members', async () => {
    const lee = await http.call('GET', graph(`/users/${USERS.lee.upn}`), token);
    expect(lee.data).toMatchObject({ id: USERS.lee.id, accountEnabled: false, userType: 'Member' });
    const guest = await http.call('GET', graph(`/users/${encodeURIComponent(USERS.partner.upn)}`), token);
    expect(guest.data).toMatchObject({ userType: 'Guest' });
    const groups = await http.call('GET', graph(`/groups?$filter=displayName eq 'Connection Ops Approvers'`), token);
    expect((groups.data.value as { id: string }[])[0].id).toBe(GROUPS.approvers.id);
    const members = await http.call('GET', graph(`/groups/${GROUPS.approvers.id}/transitiveMembers`), token);
    expect((members.data.value as { id: string }[]).map((m) => m.id).sort()).toEqual(
      [USERS.alex.id, USERS.isaiah.id].sort(),
    );
  });

  it('lets a user add secrets only to the apps they own, and refuses calls without a valid token', async () => {
    const adele = http.userToken(USERS.adele.upn, SCOPES.graph);
    const refused = await http.call('POST', graph(`/applications/${APPS.d365.id}/addPassword`), adele, {
      passwordCredential: { displayName: 'not mine' },
    });
    expect(refused.status).toBe(403);
    expect((refused.data.error as { code: string }).code).toBe('Authorization_RequestDenied');

    const megan = http.userToken(USERS.megan.upn, SCOPES.graph);
    const allowed = await http.call('POST', graph(`/applications/${APPS.d365.id}/addPassword`), megan, {
      passwordCredential: { displayName: 'mine' },
    });
    expect(allowed.status).toBe(200);

    expect((await http.call('GET', graph('/users'), undefined)).status).toBe(401);
    const wrongAudience = await http.botToken(SCOPES.flow);
    expect((await http.call('GET', graph('/users'), wrongAudience)).status).toBe(401);
  });

  it('finds service principals by appId', async () => {
    const sp = await http.call('GET', graph(`/servicePrincipals?$filter=appId eq '${APPS.coeSync.appId}'`), token);
    expect((sp.data.value as { id: string }[]).map((s) => s.id)).toEqual([APPS.coeSync.spId]);
  });

  it('answers a $batch of reads one response per request, errors and refused writes inside, over 20 refused', async () => {
    const batch = await http.call('POST', graph('/$batch'), token, {
      requests: [
        { id: 'd365', method: 'GET', url: `/applications/${APPS.d365.id}/owners?$select=id` },
        { id: 'coe', method: 'GET', url: `/applications/${APPS.coeSync.id}/owners?$select=id` },
        { id: 'gone', method: 'GET', url: '/applications/00000000-0000-4000-8000-00000000dead/owners' },
      ],
    });
    expect(batch.status).toBe(200);
    const byId = new Map(
      (batch.data.responses as { id: string; status: number; body: { value?: { id: string }[] } }[]).map((r) => [
        r.id,
        r,
      ]),
    );
    expect(byId.get('d365')).toMatchObject({ status: 200, body: { value: [{ id: USERS.megan.id }] } });
    expect(byId.get('coe')).toMatchObject({ status: 200, body: { value: [{ id: USERS.alex.id }] } });
    expect(byId.get('gone')).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });

    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' }));
    expect((await http.call('POST', graph('/$batch'), token, { requests })).status).toBe(400);
    const write = { requests: [{ id: '1', method: 'POST', url: `/applications/${APPS.d365.id}/addPassword` }] };
    const refused = await http.call('POST', graph('/$batch'), token, write);
    expect(refused.data.responses).toEqual([expect.objectContaining({ id: '1', status: 400 })]);
  });

  it("applies a route's error fault to its requests inside a $batch", async () => {
    const failing = await startEmulator({ port: 0, faults: 'graph.listApplicationOwners:error=1:503' });
    try {
      const client = new EmulatorHttp(failing);
      const graphToken = await client.botToken(SCOPES.graph);
      const batch = await client.call('POST', `${failing.info.graph}/$batch`, graphToken, {
        requests: [
          { id: '1', method: 'GET', url: `/applications/${APPS.d365.id}/owners?$select=id` },
          { id: '2', method: 'GET', url: `/users/${USERS.lee.id}` },
        ],
      });
      expect(batch.status).toBe(200);
      const statuses = (batch.data.responses as { id: string; status: number }[]).sort((a, b) =>
        a.id.localeCompare(b.id),
      );
      expect(statuses.map((r) => r.status)).toEqual([503, 200]);
    } finally {
      await failing.close();
    }
  });

  it('charges a $batch what its requests cost: an empty bucket answers the whole batch 429', async () => {
    const throttled = await startEmulator({ port: 0, faults: 'graph:throttle=3/60' });
    try {
      const client = new EmulatorHttp(throttled);
      const graphToken = await client.botToken(SCOPES.graph);
      const owners = (id: string) => ({ id, method: 'GET', url: `/applications/${APPS.d365.id}/owners?$select=id` });
      const first = await client.call('POST', `${throttled.info.graph}/$batch`, graphToken, {
        requests: [owners('1'), owners('2')],
      });
      expect(first.status).toBe(200);
      const second = await client.call('POST', `${throttled.info.graph}/$batch`, graphToken, {
        requests: [owners('1'), owners('2')],
      });
      expect(second.status).toBe(429);
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
      expect(throttled.control.requestCount('graph.batched')).toBe(2);
    } finally {
      await throttled.close();
    }
  });
});
