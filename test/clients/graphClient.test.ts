import { collect } from '../../src/clients';
import { isTenantApiError } from '../../src/tenant/errors';
import { startDemoTenant, type DemoTenant } from './demoTenant';
import { USERS } from '../../src/emulator/fixture';

const ADELE = USERS.adele.id;
const LEE = USERS.lee.id;
const ALEX = USERS.alex.id;
const ISAIAH = USERS.isaiah.id;

describe('GraphClient against the demo tenant', () => {
  let tenant: DemoTenant;
  beforeAll(async () => {
    tenant = await startDemoTenant();
  });
  afterAll(() => tenant.close());

  it('gets users by id or UPN, guests included, and answers undefined for nobody', async () => {
    const { directory } = tenant.ports;
    expect(await directory.getUser(ADELE)).toMatchObject({ displayName: 'Adele Vance', accountEnabled: true });
    expect(await directory.getUser('leeg@example.com')).toMatchObject({ id: LEE, accountEnabled: false });
    expect(await directory.getUser('partner_fabrikam.com#EXT#@example.com')).toMatchObject({ userType: 'Guest' });
    expect(await directory.getUser('nobody@example.com')).toBeUndefined();
  });

  it('lists users', async () => {
    const users = await collect(tenant.ports.directory.listUsers());
    expect(users.map((u) => u.userPrincipalName)).toEqual(
      expect.arrayContaining(['alexw@example.com', 'meganb@example.com', 'adelev@example.com']),
    );
  });

  it('finds the approvers group and its transitive members', async () => {
    const group = await tenant.ports.directory.findGroupByName('Connection Ops Approvers');
    expect(group).toBeDefined();
    expect((await tenant.ports.directory.listGroupMemberIds(group!.id)).sort()).toEqual([ALEX, ISAIAH].sort());
    expect(await tenant.ports.directory.findGroupByName("No such group's name")).toBeUndefined();
  });

  it('lists, gets and finds applications with their credentials and owners', async () => {
    const { directory } = tenant.ports;
    const apps = await collect(directory.listApplications());
    const coe = apps.find((a) => a.displayName === 'CoE-Sync-SP');
    expect(coe?.passwordCredentials.length).toBeGreaterThan(0);
    const lunch = apps.find((a) => a.displayName === 'Lunch-Order-App');
    expect(lunch?.keyCredentials.length).toBeGreaterThan(0);

    expect(await directory.getApplication(coe!.id)).toMatchObject({ appId: coe!.appId, displayName: 'CoE-Sync-SP' });
    expect((await directory.findApplicationByAppId(coe!.appId))?.id).toBe(coe!.id);
    expect(await directory.findApplicationByAppId('11111111-2222-3333-4444-555555555555')).toBeUndefined();
    expect(await directory.listApplicationOwnerIds(coe!.id)).toEqual([ALEX]);
  });

  it('reads the owners of many applications 20 per $batch, an unknown app answered with its own error', async () => {
    const { directory } = tenant.ports;
    const apps = await collect(directory.listApplications());
    const ids = [
      ...apps.map((a) => a.id),
      ...apps.map((a) => a.id),
      ...apps.map((a) => a.id),
      ...apps.map((a) => a.id),
    ];
    const missing = '99999999-9999-9999-9999-999999999999';
    const batchesBefore = tenant.emulator.control.requestCount('graph.batches');
    const results = await directory.listOwnerIdsOfApplications([...ids, missing]);
    expect(tenant.emulator.control.requestCount('graph.batches') - batchesBefore).toBe(
      Math.ceil((ids.length + 1) / 20),
    );
    expect(results.map((r) => r.objectId)).toEqual([...ids, missing]);
    for (const app of apps) {
      const expected = await directory.listApplicationOwnerIds(app.id);
      for (const r of results.filter((x) => x.objectId === app.id)) expect(r.ownerIds).toEqual(expected);
    }
    const unknown = results[results.length - 1];
    expect(unknown.ownerIds).toBeUndefined();
    expect(unknown.error).toMatchObject({ kind: 'notFound', api: 'graph' });
  });

  it('answers a missing application with a typed notFound error carrying Graph code', async () => {
    const error = await tenant.ports.directory.getApplication('99999999-9999-9999-9999-999999999999').catch((e) => e);
    expect(isTenantApiError(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'notFound', status: 404, api: 'graph' });
    expect(error.code).toMatch(/NotFound/);
  });

  it('adds a password once (secret returned, credential listed) and removes it', async () => {
    const { directory } = tenant.ports;
    const app = (await collect(directory.listApplications())).find((a) => a.displayName === 'Legacy-Integration')!;
    const added = await directory.addPassword(app.id, {
      displayName: 'ConnectionOps test add',
      endDateTime: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(added.secretText.length).toBeGreaterThanOrEqual(16);
    expect(tenant.emulator.control.issuedSecrets()).toContain(added.secretText);
    const listed = (await directory.getApplication(app.id)).passwordCredentials;
    expect(listed.find((c) => c.keyId === added.keyId)?.displayName).toBe('ConnectionOps test add');

    await directory.removePassword(app.id, added.keyId);
    expect((await directory.getApplication(app.id)).passwordCredentials.map((c) => c.keyId)).not.toContain(added.keyId);
  });
});
