import { collect } from '../../src/clients';
import { APPS, USERS } from '../../src/emulator/fixture';
import { isTenantApiError } from '../../src/tenant/errors';
import type { Connection, Environment } from '../../src/tenant/model';
import { startDemoTenant, type DemoTenant } from './demoTenant';

const ADELE = USERS.adele.id;

describe('ConnectionsClient against the demo tenant', () => {
  let tenant: DemoTenant;
  let environments: Environment[];
  let prod: Environment;
  let prodConnections: Connection[];
  beforeAll(async () => {
    tenant = await startDemoTenant();
    environments = await tenant.ports.connections.listEnvironments();
    prod = environments.find((e) => e.displayName === 'Contoso PROD')!;
    prodConnections = await collect(tenant.ports.connections.listConnections(prod.id));
  });
  afterAll(() => tenant.close());

  it('lists the four environments with their Dataverse org URLs', () => {
    expect(environments.map((e) => e.displayName).sort()).toEqual(
      ['Contoso (default)', 'Contoso DEV', 'Contoso PROD', 'Contoso TEST'].sort(),
    );
    expect(environments.filter((e) => e.isDefault)).toHaveLength(1);
    for (const e of environments) expect(e.dataverseUrl).toMatch(/^https:\/\//);
  });

  it('lists connections with statuses that follow the fixture', () => {
    const statuses = new Set(prodConnections.map((c) => c.status));
    expect(statuses).toEqual(new Set(['Connected', 'Error']));
    const serviceprincipal = prodConnections.filter((c) => c.authType === 'servicePrincipal');
    expect(serviceprincipal.length).toBeGreaterThan(0);
    for (const c of serviceprincipal) expect(c.servicePrincipalAppId).toBeTruthy();
    const all = environments.map((e) => collect(tenant.ports.connections.listConnections(e.id)));
    return Promise.all(all).then((lists) =>
      expect([
        lists.flat().some((c) => c.status === 'ConfigurationNeeded'),
        lists.flat().some((c) => c.isCustomConnector),
      ]).toEqual([true, true]),
    );
  });

  it('gets one connection through the Power Platform API, and names a missing one ConnectionNotFound', async () => {
    const sample = prodConnections[0];
    const got = await tenant.ports.connections.getConnection(prod.id, sample.connector, sample.name);
    expect(got).toMatchObject({ name: sample.name, connector: sample.connector, status: sample.status });

    const error = await tenant.ports.connections
      .getConnection(prod.id, sample.connector, 'no-such-connection')
      .catch((e) => e);
    expect(isTenantApiError(error, 'ConnectionNotFound')).toBe(true);
    expect(error.kind).toBe('notFound');
  });

  it('shares an OAuth connection with a service principal, reads it back, removes it; a person is refused', async () => {
    const { connections } = tenant.ports;
    const target = prodConnections.find((c) => c.authType === 'user')!;
    const refused = await connections
      .modifyPermissions(prod.id, target.connector, target.name, {
        put: [{ principal: { id: ADELE, type: 'User' }, roleName: 'CanView' }],
      })
      .catch((e) => e);
    expect(isTenantApiError(refused, 'OAuthConnectionShareNotAllowed')).toBe(true);

    const pipeline = APPS.almPipeline.spId;
    await connections.modifyPermissions(prod.id, target.connector, target.name, {
      put: [{ principal: { id: pipeline, type: 'ServicePrincipal' }, roleName: 'CanView' }],
    });
    const shared = await connections.listPermissions(prod.id, target.connector, target.name);
    expect(shared).toContainEqual(
      expect.objectContaining({
        roleName: 'CanView',
        principal: expect.objectContaining({ id: pipeline, type: 'ServicePrincipal', displayName: 'ALM-Pipeline-SP' }),
      }),
    );
    expect(shared.some((p) => p.roleName === 'Owner')).toBe(true);

    await connections.modifyPermissions(prod.id, target.connector, target.name, { delete: [pipeline] });
    const after = await connections.listPermissions(prod.id, target.connector, target.name);
    expect(after.map((p) => p.principal.id)).not.toContain(pipeline);
  });

  it("repairs CoE-Sync-SP's broken connection with a fresh secret by a PUT of the whole object", async () => {
    const { connections, directory, tenantId } = tenant.ports;
    const coe = (await collect(directory.listApplications())).find((a) => a.displayName === 'CoE-Sync-SP')!;
    const broken = prodConnections.find((c) => c.servicePrincipalAppId === coe.appId)!;
    expect(broken.status).toBe('Error');

    const secret = await directory.addPassword(coe.id, {
      displayName: 'clients test repair',
      endDateTime: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    const repaired = await connections.updateServicePrincipalSecret(prod.id, broken.connector, broken.name, {
      clientId: coe.appId,
      tenantId,
      clientSecret: secret.secretText,
    });
    expect(repaired.status).toBe('Connected');
    const again = await connections.getConnection(prod.id, broken.connector, broken.name);
    expect(again).toMatchObject({
      status: 'Connected',
      servicePrincipalAppId: coe.appId,
      displayName: broken.displayName,
    });
  });
});
