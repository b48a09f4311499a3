/** The tenant's names as understanding reads them from the demo tenant, and what happens when it cannot. */
import { TenantNames, loadNames, type TenantName } from '../../src/understanding';
import { words } from '../../src/understanding/text';
import { USERS, startTestComposition, type TestComposition } from '../support/testComposition';

let domain: TestComposition;
let names: TenantName[];

beforeAll(async () => {
  domain = await startTestComposition();
  names = await loadNames(domain.ctx.tenant);
});

afterAll(async () => {
  await domain?.close();
});

const named = (type: TenantName['type'], name: string) => names.find((n) => n.type === type && n.name === name);

test('reads flows with their creator, solutions once, apps, people with their other names, environments', () => {
  expect(named('flow', 'Weekly report')).toMatchObject({
    environmentName: 'Contoso DEV',
    visibleTo: [USERS.megan.id.toLowerCase()],
  });
  expect(names.filter((n) => n.type === 'solution' && n.name === 'ABCSOL')).toHaveLength(1);
  expect(named('app', 'CoE-Sync-SP')).toBeDefined();
  expect(named('user', 'Adele Vance')?.aliases?.map((a) => a.text)).toEqual(
    expect.arrayContaining(['adelev@example.com', 'adelev', 'Adele']),
  );
  expect(named('environment', 'Contoso PROD')?.aliases?.map((a) => a.text)).toEqual(
    expect.arrayContaining(['prod', 'production']),
  );
});

test('connections are named by connector, visible to the people who own one', () => {
  const outlook = named('connection', 'Office 365 Outlook');
  expect(outlook?.aliases?.map((a) => a.text)).toContain('outlook');
  expect(outlook?.visibleTo).toContain(USERS.megan.id.toLowerCase());
  expect(outlook?.visibleTo).not.toContain(USERS.isaiah.id.toLowerCase());
  expect(named('connection', 'SQL Server')?.aliases?.map((a) => a.text)).toContain('sql');
});

test('a tenant that cannot be read leaves an empty index and is tried again, without failing the message', async () => {
  const errors: unknown[] = [];
  const failing = {
    ...domain.ctx.tenant,
    connections: {
      ...domain.ctx.tenant.connections,
      listEnvironments: async () => {
        throw new Error('the service is unavailable');
      },
    },
  };
  const source = new TenantNames({ tenant: failing, clock: domain.clock, onError: (e) => errors.push(e) });
  expect((await source.current()).size).toBe(0);
  expect(errors).toHaveLength(1);
  // Within the retry delay nothing is read again; after it, the next message reads again (in the background).
  await source.current();
  expect(errors).toHaveLength(1);
  domain.clock.advance(31_000);
  await source.current();
  await source.refresh();
  expect(errors.length).toBeGreaterThanOrEqual(2);
});

test('with a tenant snapshot, flows and connections come from it: no environment is listed again, and a newer snapshot is taken up', async () => {
  const listed: string[] = [];
  const tenant = domain.ctx.tenant;
  const counting = {
    ...tenant,
    connections: {
      ...tenant.connections,
      listEnvironments: () => (listed.push('environments'), tenant.connections.listEnvironments()),
      listConnections: (env: string) => (listed.push(`connections ${env}`), tenant.connections.listConnections(env)),
    },
    flows: { ...tenant.flows, listFlows: (env: string) => (listed.push(`flows ${env}`), tenant.flows.listFlows(env)) },
  };
  const environments = await tenant.connections.listEnvironments();
  const dev = environments.find((e) => e.displayName === 'Contoso DEV')!;
  const flow = (displayName: string) => ({
    id: `snap-${displayName}`,
    environmentId: dev.id,
    displayName,
    creatorId: USERS.adele.id,
    state: 'Stopped' as const,
  });
  let snapshot = {
    takenAt: new Date(domain.clock.now().getTime() - 60_000),
    environments,
    flows: [flow('Snapshot only flow')],
    connections: [{ environmentId: dev.id, connector: 'shared_teams', createdBy: { id: USERS.adele.id } }],
  };
  const source = new TenantNames({ tenant: counting, clock: domain.clock, snapshot: () => snapshot });
  const first = await source.current();
  const find = (index: typeof first, type: TenantName['type'], name: string) =>
    index
      .find(words(`why can't I turn on ${name}`))
      .flatMap((m) => m.hits.map((h) => h.name))
      .find((n) => n.type === type && n.name === name);
  expect(find(first, 'flow', 'Snapshot only flow')).toMatchObject({
    environmentName: 'Contoso DEV',
    visibleTo: [USERS.adele.id.toLowerCase()],
  });
  // Not in the snapshot, so not known, although the demo tenant has it: the names are the snapshot's.
  expect(find(first, 'flow', 'Weekly report')).toBeUndefined();
  expect(listed).toEqual([]);

  // The same snapshot: nothing is read again, whatever the time.
  domain.clock.advance(10 * 60_000);
  expect(await source.current()).toBe(first);
  await source.refresh();
  snapshot = { ...snapshot, takenAt: domain.clock.now(), flows: [flow('Newer snapshot flow')] };
  await source.current();
  await source.refresh();
  const second = await source.current();
  expect(find(second, 'flow', 'Newer snapshot flow')).toBeDefined();
  expect(find(second, 'flow', 'Snapshot only flow')).toBeUndefined();
  expect(listed).toEqual([]);
});
