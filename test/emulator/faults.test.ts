import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { APPS, ENVIRONMENTS } from '../../src/emulator/fixture';
import { FaultPlan } from '../../src/emulator/faults';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

describe('fault spec', () => {
  it('lets a route rule override its API rule, which overrides *', () => {
    const plan = FaultPlan.parse(
      '*:latency=5; graph:error=0.5:504; graph.addPassword:error=1:500; dataverse:throttle=default',
    );
    expect(plan.settingsFor('graph', 'addPassword')).toEqual({ latencyMs: 5, error: { rate: 1, status: 500 } });
    expect(plan.settingsFor('graph', 'listApplications')).toEqual({ latencyMs: 5, error: { rate: 0.5, status: 504 } });
    expect(plan.settingsFor('dataverse', 'query').throttle).toEqual({
      capacity: 6000,
      windowMs: 300_000,
      concurrency: 52,
    });
    expect(plan.settingsFor('flow', 'startFlow')).toEqual({ latencyMs: 5 });
  });

  it('refuses what it does not understand', () => {
    expect(() => FaultPlan.parse('grpah:error=1')).toThrow(/unknown API/);
    expect(() => FaultPlan.parse('graph:error=2')).toThrow(/0\.\.1/);
    expect(() => FaultPlan.parse('graph:explode=1')).toThrow(/unknown fault/);
  });
});

describe('faults on the wire', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  let graphToken: string;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
    graphToken = await http.botToken(SCOPES.graph);
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    emulator.control.setFaults('');
    emulator.control.reset();
  });
  const apps = () => `${emulator.info.graph}/applications?$select=id`;

  it('throttles with 429 and Retry-After once the bucket is empty', async () => {
    emulator.control.setFaults('graph:throttle=2/60');
    expect((await http.call('GET', apps(), graphToken)).status).toBe(200);
    expect((await http.call('GET', apps(), graphToken)).status).toBe(200);
    const throttled = await http.call('GET', apps(), graphToken);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((throttled.data.error as { code: string }).code).toBe('TooManyRequests');
  });

  it("holds Dataverse to 52 requests in flight per caller and org, the service's working time included", async () => {
    emulator.control.setFaults('dataverse:latency=1; dataverse:throttle=default');
    const orgs = [ENVIRONMENTS.prod, ENVIRONMENTS.dev].map((e) => emulator.info.dataverse[e.displayName]);
    const tokens = await Promise.all(orgs.map((org) => http.botToken(`${org}/.default`)));
    const gate = emulator.control.latencyGate;
    const burst = (org: string, token: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, () => http.call('GET', `${org}/api/data/v9.2/solutions?$select=uniquename`, token)),
      );
    // 60 at once to one org, all of them kept in the service until every one has arrived (however slowly this
    // machine sends them): 52 answered, the rest refused with Retry-After.
    gate.hold();
    const first = burst(orgs[0], tokens[0], 60);
    await gate.whenWaiting(60);
    gate.release();
    const statuses = (await first).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(52);
    expect(statuses.filter((s) => s === 429)).toHaveLength(8);
    // 40 to each of two orgs, again all in flight together: each org has its own 52.
    gate.hold();
    const both = Promise.all(orgs.map((org, i) => burst(org, tokens[i], 40)));
    await gate.whenWaiting(80);
    gate.release();
    expect((await both).flat().every((r) => r.status === 200)).toBe(true);
  });

  it('answers injected 503s in the service error shape', async () => {
    emulator.control.setFaults('dataverse:error=1:503');
    const org = emulator.info.dataverse[ENVIRONMENTS.prod.displayName];
    const token = await http.botToken(`${org}/.default`);
    const failed = await http.call('GET', `${org}/api/data/v9.2/solutions`, token);
    expect(failed.status).toBe(503);
    expect((failed.data.error as { code: string }).code).toBe('ServiceUnavailable');
  });

  it('resets the connection without an answer', async () => {
    emulator.control.setFaults('graph:reset=1');
    await expect(http.call('GET', apps(), graphToken)).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
  });

  it('never answers under the timeout fault (the client gives up)', async () => {
    emulator.control.setFaults('graph:timeout=1');
    await expect(http.call('GET', apps(), graphToken, undefined, { timeout: 200 })).rejects.toMatchObject({
      code: 'ECONNABORTED',
    });
  });

  it('applies an ambiguous addPassword and drops the answer: the credential exists, its secret was issued', async () => {
    emulator.control.setFaults('graph.addPassword:ambiguous=1');
    const before = emulator.control.issuedSecrets().length;
    await expect(
      http.call('POST', `${emulator.info.graph}/applications/${APPS.coeSync.id}/addPassword`, graphToken, {
        passwordCredential: { displayName: 'rotation-ambiguous-1' },
      }),
    ).rejects.toBeTruthy();
    emulator.control.setFaults('');
    const app = await http.call('GET', `${emulator.info.graph}/applications/${APPS.coeSync.id}`, graphToken);
    const names = (app.data.passwordCredentials as { displayName: string }[]).map((c) => c.displayName);
    expect(names).toContain('rotation-ambiguous-1');
    expect(emulator.control.issuedSecrets()).toHaveLength(before + 1);
  });

  it('is driven over HTTPS through the control URL as well', async () => {
    const control = emulator.info.control;
    expect((await http.call('POST', `${control}/faults`, undefined, { spec: 'graph:error=1:504' })).status).toBe(200);
    expect((await http.call('GET', apps(), graphToken)).status).toBe(504);
    expect((await http.call('POST', `${control}/faults`, undefined, { spec: 'graph:nonsense' })).status).toBe(400);
    await http.call('POST', `${control}/faults`, undefined, { spec: '' });
    const clock = await http.call('POST', `${control}/clock`, undefined, { offsetDays: 30 });
    expect(Date.parse(clock.data.now as string) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    await http.call('POST', `${control}/clock`, undefined, { offsetDays: 0 });
    const count = await http.call('GET', `${control}/requestCount?api=graph`, undefined);
    expect(count.data.count).toBeGreaterThan(0);
  });
});
