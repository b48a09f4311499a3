/**
 * The HTTP layer against the emulator's fault injection: throttling with Retry-After, a 5xx storm, and the
 * ambiguous addPassword (applied by the service, answer lost).
 */
import { collect } from '../../src/clients';
import { isTenantApiError } from '../../src/tenant/errors';
import { startDemoTenant, type DemoTenant } from './demoTenant';
import { USERS } from '../../src/emulator/fixture';

const ADELE = USERS.adele.id;

describe('clients under injected faults', () => {
  let tenant: DemoTenant;
  beforeAll(async () => {
    tenant = await startDemoTenant();
  });
  afterEach(() => tenant.emulator.control.setFaults(''));
  afterAll(() => tenant.close());

  const graphRequests = () => tenant.emulator.control.requestCount('graph');

  it('waits out a 429 with Retry-After and succeeds', async () => {
    tenant.emulator.control.setFaults('graph.getUser:throttle=1/1');
    const before = graphRequests();
    expect(await tenant.ports.directory.getUser(ADELE)).toMatchObject({ id: ADELE });
    expect(await tenant.ports.directory.getUser(ADELE)).toMatchObject({ id: ADELE });
    // The second call was refused once (429), waited and went through.
    expect(graphRequests() - before).toBe(3);
  });

  it('gives up on a 503 storm after its attempt budget with a typed unavailable error', async () => {
    tenant.emulator.control.setFaults('graph:error=1:503');
    const before = graphRequests();
    const error = await tenant.ports.directory.getUser(ADELE).catch((e) => e);
    expect(isTenantApiError(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'unavailable', status: 503, api: 'graph' });
    expect(graphRequests() - before).toBe(4);
  });

  it('reports an ambiguous addPassword as outcomeUnknown, sends it once, and the credential is found by name', async () => {
    const { directory } = tenant.ports;
    const app = (await collect(directory.listApplications())).find((a) => a.displayName === 'AppUser_Dataverse_PRD')!;
    tenant.emulator.control.setFaults('graph.addPassword:ambiguous=1');
    const before = graphRequests();
    const error = await directory
      .addPassword(app.id, {
        displayName: 'ConnectionOps rotation r-42',
        endDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      })
      .catch((e) => e);
    expect(isTenantApiError(error)).toBe(true);
    expect(error.outcomeUnknown).toBe(true);
    expect(graphRequests() - before).toBe(1);

    tenant.emulator.control.setFaults('');
    const credentials = (await directory.getApplication(app.id)).passwordCredentials;
    expect(credentials.filter((c) => c.displayName === 'ConnectionOps rotation r-42')).toHaveLength(1);
  });

  it('reports a reset GET after retries as unavailable', async () => {
    tenant.emulator.control.setFaults('graph:reset=1');
    const error = await tenant.ports.directory.getUser(ADELE).catch((e) => e);
    expect(error).toMatchObject({ kind: 'unavailable', api: 'graph' });
  });
});
