import { KeyVaultClient } from '../../src/clients/keyVaultClient';
import { startDemoTenant, type DemoTenant } from './demoTenant';

describe('KeyVaultClient against the demo tenant', () => {
  let tenant: DemoTenant;
  beforeAll(async () => {
    tenant = await startDemoTenant();
  });
  afterAll(() => tenant.close());

  it('stores a new version on each set; reads the latest properties and any version value', async () => {
    const { vault } = tenant.ports;
    const expiresOn = new Date(Math.floor(Date.now() / 1000 + 86_400) * 1000);
    const first = await vault.setSecret('sp-clients-test', 'first-value-123', {
      expiresOn,
      tags: { appId: 'a', keyId: 'k1' },
      contentType: 'text/plain',
    });
    const second = await vault.setSecret('sp-clients-test', 'second-value-456', { tags: { appId: 'a', keyId: 'k2' } });
    expect(first.version).toBeTruthy();
    expect(second.version).not.toBe(first.version);

    expect(await vault.getSecretProperties('sp-clients-test')).toMatchObject({
      version: second.version,
      tags: { appId: 'a', keyId: 'k2' },
    });
    expect(await vault.getSecretValue('sp-clients-test')).toBe('second-value-456');
    expect(await vault.getSecretValue('sp-clients-test', first.version)).toBe('first-value-123');

    const versions = await (vault as KeyVaultClient).listSecretVersions('sp-clients-test');
    expect(versions.map((v) => v.version).sort()).toEqual([first.version, second.version].sort());
  });

  it('answers undefined for a secret that does not exist', async () => {
    expect(await tenant.ports.vault.getSecretProperties('no-such-secret')).toBeUndefined();
    expect(await tenant.ports.vault.getSecretValue('no-such-secret')).toBeUndefined();
  });
});
