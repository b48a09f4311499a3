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
});
