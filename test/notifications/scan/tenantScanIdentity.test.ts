/**
 * The tenant scan's whole result (findings, gaps, checked scopes, scopes, stakeholders, maker alerts, users met) on
 * the demo tenant and on a synthetic tenant, at a fixed clock, compared with what the scanner produced before its
 * CPU work (fixtures/tenantScan.golden.json). Optimisations of the scanner, the clients or the rules must leave
 * every byte of it the same; a deliberate change of results updates the fixture (UPDATE_SCAN_GOLDEN=1).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TenantScanner, type TenantScan } from '../../../src/notifications/scan/tenantScanner';
import { startDemoTenant, type DemoTenant } from '../../clients/demoTenant';

const NOW = new Date('2025-06-01T12:00:00Z');
const GOLDEN = path.join(__dirname, 'fixtures', 'tenantScan.golden.json');

/**
 * The scan as canonical JSON: maps and sets sorted by key (their order follows which environment finished first),
 * and the named fixture's credential key ids (random per emulator start) replaced by their app and position.
 */
function canonical(scan: TenantScan, keyIds: Map<string, string>): string {
  const sorted = <V>(map: Map<string, V>) => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({
    findings: scan.findings,
    partial: [...scan.partial].sort(),
    checkedScopes: [...scan.checkedScopes].sort(),
    scopeOf: sorted(scan.scopeOf),
    stakeholders: sorted(scan.stakeholders),
    makerAlerts: sorted(scan.makerAlerts),
    users: sorted(scan.users),
  }).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => keyIds.get(id) ?? id);
}

/** Each credential's key id → "appId/password#i" or "appId/key#i". */
async function keyIdsOf(tenant: DemoTenant): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const app of tenant.ports.directory.listApplications()) {
    app.passwordCredentials.forEach((c, i) => names.set(c.keyId, `${app.appId}/password#${i}`));
    app.keyCredentials.forEach((c, i) => names.set(c.keyId, `${app.appId}/key#${i}`));
  }
  return names;
}

async function scanOf(scale?: { seed: number; size: number }): Promise<string> {
  // The clients' own timeouts (30 s a request), not the fault tests' 3 s: this test compares results, and on a busy
  // machine a 3 s timeout turned slow reads of the synthetic tenant into gaps, and gaps into missing findings.
  const tenant = await startDemoTenant({ now: () => NOW, ...(scale ? { scale } : {}) }, { keyVaultMaxRetries: 0 });
  try {
    const scan = await new TenantScanner(tenant.ports, { now: NOW, withinDays: 30 }).scan();
    // A gap would change the findings for a reason that is not the scanner's: say so instead of a checksum.
    expect(scan.partial).toEqual([]);
    return canonical(scan, await keyIdsOf(tenant));
  } finally {
    await tenant.close();
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('tenant scan results stay identical', () => {
  const golden: { demo: unknown; synthetic: { seed: number; size: number; findings: number; sha256: string } } =
    JSON.parse(fs.readFileSync(GOLDEN, 'utf8'));

  it('on the demo tenant, finding for finding', async () => {
    const scan = JSON.parse(await scanOf());
    if (process.env.UPDATE_SCAN_GOLDEN) golden.demo = scan;
    expect(scan).toEqual(golden.demo);
  });

  it('on a synthetic tenant, byte for byte', async () => {
    const { seed, size } = golden.synthetic;
    const scan = await scanOf({ seed, size });
    const figures = { seed, size, findings: (JSON.parse(scan) as TenantScan).findings.length, sha256: sha256(scan) };
    if (process.env.UPDATE_SCAN_GOLDEN) golden.synthetic = figures;
    expect(figures).toEqual(golden.synthetic);
  }, 120_000);

  afterAll(() => {
    if (process.env.UPDATE_SCAN_GOLDEN) fs.writeFileSync(GOLDEN, `${JSON.stringify(golden, null, 2)}\n`);
  });
});
