import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { EmulatorHttp } from './emulatorHttp';

describe('Key Vault as @azure/keyvault-secrets speaks it', () => {
  let emulator: RunningEmulator;
  let client: SecretClient;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    const info = emulator.info;
    const credential = new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, {
      authorityHost: info.authorityHost,
      disableInstanceDiscovery: true,
    });
    client = new SecretClient(info.keyVault, credential, {
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
  });
  afterAll(() => emulator.close());

  it('sets versions, reads the latest and an older one, and lists versions', async () => {
    const first = await client.setSecret('coe-sync-sp', 'first-value', { tags: { rotation: 'r1' } });
    const second = await client.setSecret('coe-sync-sp', 'second-value', {
      expiresOn: new Date(Date.now() + 86_400_000),
      contentType: 'client-secret',
    });
    expect(first.properties.version).not.toBe(second.properties.version);
    const latest = await client.getSecret('coe-sync-sp');
    expect(latest.value).toBe('second-value');
    expect(latest.properties.contentType).toBe('client-secret');
    expect(latest.properties.expiresOn).toBeInstanceOf(Date);
    const older = await client.getSecret('coe-sync-sp', { version: first.properties.version });
    expect(older.value).toBe('first-value');
    expect(older.properties.tags).toEqual({ rotation: 'r1' });
    const versions: string[] = [];
    for await (const p of client.listPropertiesOfSecretVersions('coe-sync-sp')) versions.push(p.version!);
    expect(versions.sort()).toEqual([first.properties.version, second.properties.version].sort());
  });

  it('answers a missing secret with 404 SecretNotFound', async () => {
    await expect(client.getSecret('never-set')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('challenges a request without a token with the authority and resource', async () => {
    const http = new EmulatorHttp(emulator);
    const challenge = await http.call('GET', `${emulator.info.keyVault}/secrets/x?api-version=7.5`, undefined);
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toBe(
      `Bearer authorization="${emulator.info.authorityHost}/${emulator.info.tenantId}", resource="https://vault.azure.net"`,
    );
  });
});
