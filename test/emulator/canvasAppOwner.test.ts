/**
 * A canvas app's owner change on the Power Apps admin route (Set-AdminPowerAppOwner's modifyAppOwner), as strict as
 * the service: admins only (403), unknown environment or app (404), a body it cannot take (400), nothing changed by
 * a refused call; the previous owner keeps the role asked for, or loses access when none is; the same call again
 * changes nothing more. Also the one-app read and the client over both (CanvasAppsClient).
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CANVAS_APPS, ENVIRONMENTS, USERS } from '../../src/emulator/fixture';
import { isTenantApiError } from '../../src/tenant/errors';
import { startDemoTenant, type DemoTenant } from '../clients/demoTenant';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

const PROD: string = ENVIRONMENTS.prod.id;
const PORTAL: string = CANVAS_APPS.vendorPortal.id;

describe('modifyAppOwner on the emulator', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.control.reset());

  const appUrl = (env: string, app: string, tail = '') =>
    `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps/${app}${tail}?api-version=2022-11-01`;
  const modify = async (body: unknown, env = PROD, app = PORTAL, token?: string) =>
    http.call('POST', appUrl(env, app, '/modifyAppOwner'), token ?? (await http.botToken(SCOPES.powerApps)), body);
  const unchanged = () =>
    expect(emulator.control.canvasApp(PROD, PORTAL)).toEqual({ ownerId: USERS.lee.id, permissions: [] });

  it('gives the app to the new owner; the previous owner keeps Can view; again changes nothing more', async () => {
    const first = await modify({ roleForOldAppOwner: 'CanView', newAppOwner: USERS.lynne.id });
    expect(first.status).toBe(200);
    const after = { ownerId: USERS.lynne.id, permissions: [{ principalId: USERS.lee.id, roleName: 'CanView' }] };
    expect(emulator.control.canvasApp(PROD, PORTAL)).toEqual(after);
    expect((await modify({ roleForOldAppOwner: 'CanView', newAppOwner: USERS.lynne.id })).status).toBe(200);
    expect(emulator.control.canvasApp(PROD, PORTAL)).toEqual(after);
    // The one-app read says who owns it now.
    const read = await http.call<{ properties: { owner: { id: string } } }>(
      'GET',
      appUrl(PROD, PORTAL),
      await http.botToken(SCOPES.powerApps),
    );
    expect(read.data.properties.owner.id).toBe(USERS.lynne.id);
  });

  it('without roleForOldAppOwner, the previous owner loses access', async () => {
    expect((await modify({ newAppOwner: USERS.lynne.id })).status).toBe(200);
    expect(emulator.control.canvasApp(PROD, PORTAL)).toEqual({ ownerId: USERS.lynne.id, permissions: [] });
  });

  it('refuses a caller who is not a Power Platform admin (403), and changes nothing', async () => {
    const megan = http.userToken(USERS.megan.upn, SCOPES.powerApps);
    const answer = await modify({ newAppOwner: USERS.megan.id }, PROD, PORTAL, megan);
    expect(answer.status).toBe(403);
    expect(JSON.stringify(answer.data)).toMatch(/modifyAppOwner\/action/);
    unchanged();
  });

  it('answers 404 for an unknown environment or app', async () => {
    const noEnv = await modify({ newAppOwner: USERS.lynne.id }, '00000000-dead-beef-0000-000000000000');
    expect(noEnv.status).toBe(404);
    expect(JSON.stringify(noEnv.data)).toMatch(/EnvironmentNotFound/);
    const noApp = await modify({ newAppOwner: USERS.lynne.id }, PROD, '11111111-2222-3333-4444-555555555555');
    expect(noApp.status).toBe(404);
    expect(JSON.stringify(noApp.data)).toMatch(/AppNotFound/);
    const read = await http.call(
      'GET',
      appUrl(PROD, '11111111-2222-3333-4444-555555555555'),
      await http.botToken(SCOPES.powerApps),
    );
    expect(read.status).toBe(404);
  });

  it.each([
    ['no new owner', { roleForOldAppOwner: 'CanView' }, /newAppOwner/],
    [
      'a new owner who is not in the directory',
      { newAppOwner: '99999999-0000-0000-0000-000000000000' },
      /does not exist/,
    ],
    [
      'a role the API does not have',
      { newAppOwner: USERS.lynne.id, roleForOldAppOwner: 'Owner' },
      /CanView or CanEdit/,
    ],
    ['a body that is not an object', ['not', 'an', 'object'], /JSON object/],
  ])('answers 400 for %s, and changes nothing', async (_what, body, message) => {
    const answer = await modify(body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.data)).toMatch(message);
    unchanged();
  });
});

describe('CanvasAppsClient: one app and its owner change', () => {
  let tenant: DemoTenant;
  beforeAll(async () => {
    tenant = await startDemoTenant();
  });
  afterAll(() => tenant.close());

  it('reads the owner, changes it, and reports a refusal as a typed error', async () => {
    const apps = tenant.ports.apps;
    expect((await apps.getCanvasApp(PROD, PORTAL)).ownerId).toBe(USERS.lee.id);
    await apps.setCanvasAppOwner(PROD, PORTAL, USERS.lynne.id, 'CanEdit');
    const read = await apps.getCanvasApp(PROD, PORTAL);
    expect([read.ownerId, read.displayName]).toEqual([USERS.lynne.id, 'Vendor portal']);
    expect(tenant.emulator.control.canvasApp(PROD, PORTAL)?.permissions).toEqual([
      { principalId: USERS.lee.id, roleName: 'CanEdit' },
    ]);
    const refused = await apps
      .setCanvasAppOwner(PROD, '11111111-2222-3333-4444-555555555555', USERS.lynne.id, 'CanView')
      .catch((error: unknown) => error);
    expect(isTenantApiError(refused) && refused.kind).toBe('notFound');
  });
});
