import { TokenProbe } from '../../src/clients/tokenProbe';
import { endpointsFromEmulator } from '../../src/clients';
import { isTenantApiError } from '../../src/tenant/errors';
import { startDemoTenant, type DemoTenant } from './demoTenant';

describe('TokenProbe against the demo tenant', () => {
  let tenant: DemoTenant;
  beforeAll(async () => {
    tenant = await startDemoTenant();
  });
  afterAll(() => tenant.close());

  it("answers true for the bot's own secret", async () => {
    const { clientId, clientSecret } = tenant.emulator.info;
    expect(await tenant.ports.tokenProbe.canAuthenticate(clientId, clientSecret)).toBe(true);
  });

  it('answers false once a secret has been removed from its app', async () => {
    const { directory, tokenProbe } = tenant.ports;
    const app = (await directory.findApplicationByAppId((await firstApp(tenant, 'AppUser_Dataverse_PRD')).appId))!;
    const added = await directory.addPassword(app.id, {
      displayName: 'probe test',
      endDateTime: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(await tokenProbe.canAuthenticate(app.appId, added.secretText)).toBe(true);
    await directory.removePassword(app.id, added.keyId);
    expect(await tokenProbe.canAuthenticate(app.appId, added.secretText)).toBe(false);
  });

  it('answers false for a wrong secret and throws when the authority cannot be reached', async () => {
    const { tokenProbe } = tenant.ports;
    const app = await firstApp(tenant, 'D365-App-Registration');
    expect(await tokenProbe.canAuthenticate(app.appId, 'not-the-secret-at-all')).toBe(false);

    const unreachable = new TokenProbe(
      { ...endpointsFromEmulator(tenant.emulator.info), authorityHost: 'https://127.0.0.1:1' },
      { maxRetries: 0 },
    );
    const error = await unreachable.canAuthenticate(app.appId, 'whatever-secret').catch((e) => e);
    expect(isTenantApiError(error)).toBe(true);
    expect(error.kind).toBe('unavailable');
  });
});

async function firstApp(tenant: DemoTenant, displayName: string) {
  for await (const app of tenant.ports.directory.listApplications()) if (app.displayName === displayName) return app;
  throw new Error(`no app ${displayName}`);
}
