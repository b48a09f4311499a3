/** The tenant's names as understanding reads them from the demo tenant, and what happens when it cannot. */
import { TenantNames, loadNames, type TenantName } from '../../src/understanding';
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
