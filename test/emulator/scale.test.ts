import { createHash } from 'node:crypto';
import { startEmulator } from '../../src/emulator';
import { buildFixture } from '../../src/emulator/fixture';
import { scaleTenant } from '../../src/emulator/scale';
import type { TenantState } from '../../src/emulator/tenantState';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

const NOW = new Date('2025-06-01T12:00:00Z');

function generate(seed: number, size: number): TenantState {
  return scaleTenant(buildFixture({ now: NOW, botSecret: 'fixed-bot-secret' }), { seed, size }, NOW);
}

/** Everything synthetic that defines the tenant (the named fixture's random secrets are left out). */
function digest(state: TenantState): string {
  const hash = createHash('sha256');
  for (const c of state.connections) {
    hash.update(
      `${c.environmentId}|${c.name}|${c.connector}|${c.ownerId}|${c.auth.kind}|${c.fixedError ? 'E' : ''}|${c.configurationNeeded ? 'C' : ''}\n`,
    );
    if (c.auth.kind === 'servicePrincipal' && c.displayName.startsWith('Dataverse (Synthetic'))
      hash.update(c.auth.clientSecret);
  }
  for (const a of state.applications.filter((x) => x.displayName.startsWith('Synthetic'))) {
    hash.update(
      `${a.id}|${a.appId}|${a.passwordCredentials.map((p) => `${p.keyId}:${p.endDateTime}:${p.secret}`).join(',')}\n`,
    );
  }
  for (const f of state.flows)
    hash.update(`${f.name}|${f.environmentId}|${Object.keys(f.connectionReferences).join(',')}\n`);
  return hash.digest('hex');
}

describe('scale mode', () => {
  it('generates 100,000 connections deterministically within a bounded heap', () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const first = generate(42, 100_000);
    const grown = process.memoryUsage().heapUsed - before;
    const named = 18;
    expect(first.connections).toHaveLength(100_000 + named);
    expect(first.environments.length).toBe(4 + 200);
    expect(first.applications.length).toBeGreaterThanOrEqual(20_000);
    const statuses = new Set(
      first.connections.map((c) =>
        c.fixedError ? 'Error' : c.configurationNeeded ? 'ConfigurationNeeded' : c.auth.kind,
      ),
    );
    expect(statuses).toEqual(
      new Set(['Error', 'ConfigurationNeeded', 'user', 'servicePrincipal', 'apiKey', 'sqlAuth']),
    );
    // Generous: garbage from generation counts too; the rows themselves are tens of MB.
    expect(grown).toBeLessThan(400 * 1024 * 1024);
    const firstDigest = digest(first);

    expect(digest(generate(42, 100_000))).toBe(firstDigest);
    expect(digest(generate(43, 1_000))).not.toBe(digest(generate(42, 1_000)));
  });

  it('serves a scaled tenant with the named fixture kept', async () => {
    const emulator = await startEmulator({ port: 0, scale: { seed: 7, size: 3000 } });
    try {
      const http = new EmulatorHttp(emulator);
      const token = await http.botToken(SCOPES.powerApps);
      const envs = await http.call<{ value: { name: string; properties: { displayName: string } }[] }>(
        'GET',
        `${emulator.info.bap}/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2020-10-01`,
        token,
      );
      const names = envs.data.value.map((e) => e.properties.displayName);
      expect(names).toEqual(expect.arrayContaining(['Contoso PROD', 'Synthetic 001', 'Synthetic 006']));
      const synthetic = envs.data.value.find((e) => e.properties.displayName === 'Synthetic 001')!;
      const page = await http.call<{ value: unknown[]; nextLink?: string }>(
        'GET',
        `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${synthetic.name}/connections?api-version=2016-11-01`,
        token,
      );
      expect(page.data.value).toHaveLength(100);
      expect(page.data.nextLink).toBeDefined();
    } finally {
      await emulator.close();
    }
  });
});
