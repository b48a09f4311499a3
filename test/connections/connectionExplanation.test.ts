/** Service-principal connection errors told apart from Entra's error and the app's credentials (pure function). */
import { explainConnection } from '../../src/connections/connectionExplanation';
import type { AppRegistration, Connection } from '../../src/tenant/model';

const NOW = new Date('2025-06-01T00:00:00Z');
const inDays = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();

const app = (secrets: { name: string; days: number }[]): AppRegistration => ({
  id: 'obj-1',
  appId: 'app-1',
  displayName: 'Sync-App',
  passwordCredentials: secrets.map((s, i) => ({ keyId: `k${i}`, displayName: s.name, endDateTime: inDays(s.days) })),
  keyCredentials: [],
});

const broken = (message: string, tenant = 'tenant-1'): Connection => ({
  name: 'c1',
  connector: 'shared_commondataserviceforapps',
  displayName: 'Dataverse (Sync-App)',
  environmentId: 'env',
  status: 'Error',
  error: { code: 'Unauthorized', message, target: 'token' },
  createdBy: { id: 'u1', displayName: 'Megan Bowen', type: 'User' },
  authType: 'servicePrincipal',
  servicePrincipalAppId: 'app-1',
  servicePrincipalTenantId: tenant,
  isCustomConnector: false,
});

test('every secret expired: rotate', () => {
  const e = explainConnection(broken('AADSTS7000222: secret keys are expired'), app([{ name: 'old', days: -3 }]), NOW);
  expect(e).toMatchObject({ cause: 'secretExpired', offerRotation: true });
  expect(e.remedy).toMatch(/Rotate the secret/);
});

test('the stored secret was removed but a current one exists: update the connection, do not rotate', () => {
  const e = explainConnection(
    broken('AADSTS7000215: Invalid client secret provided.'),
    app([{ name: 'current 2026', days: 200 }]),
    NOW,
    'tenant-1',
  );
  expect(e).toMatchObject({ cause: 'secretRejected', offerRotation: false });
  expect(e.problem).toMatch(/removed or replaced.*current 2026/);
  expect(e.remedy).toMatch(/Update the connection with a current secret/);
});

test('the app registration is gone: restore it or make a new one, no rotation', () => {
  const e = explainConnection(
    broken("AADSTS700016: Application with identifier 'app-1' was not found"),
    undefined,
    NOW,
  );
  expect(e).toMatchObject({ cause: 'appNotFound', offerRotation: false });
  expect(e.remedy).toMatch(/restored/);
});

test('the service principal is disabled: enable it', () => {
  const e = explainConnection(
    broken('AADSTS7000112: Application is disabled.'),
    app([{ name: 'current', days: 100 }]),
    NOW,
  );
  expect(e).toMatchObject({ cause: 'appDisabled', offerRotation: false });
});

test('the connection names another tenant: fix the tenant id', () => {
  const e = explainConnection(
    broken('AADSTS700016: not found', 'tenant-2'),
    app([{ name: 'current', days: 100 }]),
    NOW,
    'tenant-1',
  );
  expect(e).toMatchObject({ cause: 'wrongTenant', offerRotation: false });
  expect(e.problem).toMatch(/tenant-2/);
});

// Learn, "Microsoft Entra authentication and authorization error codes": 700030 is a certificate's subject name,
// 90023 an invalid request and 9002313 a malformed request; none means a disabled app or another tenant.
test('a certificate subject error (AADSTS700030) is not read as a disabled app', () => {
  const e = explainConnection(
    broken('AADSTS700030: Invalid certificate - subject name in certificate is not authorized.'),
    app([{ name: 'current', days: 100 }]),
    NOW,
    'tenant-1',
  );
  expect(e.cause).not.toBe('appDisabled');
  expect(e.problem).not.toMatch(/disabled/);
});

test.each(['AADSTS90023: InvalidRequest', 'AADSTS9002313: Invalid request. Request is malformed or invalid.'])(
  'an invalid request (%s) is not read as another tenant',
  (message) => {
    const e = explainConnection(broken(message), app([{ name: 'current', days: 100 }]), NOW, 'tenant-1');
    expect(e.cause).not.toBe('wrongTenant');
  },
);

test('a tenant that is not found (AADSTS90002) is still told apart', () => {
  const e = explainConnection(
    broken("AADSTS90002: Tenant 'x' not found."),
    app([{ name: 'current', days: 100 }]),
    NOW,
    'tenant-1',
  );
  expect(e.cause).toBe('wrongTenant');
});
