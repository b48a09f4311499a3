/**
 * StartOptions.extraConnectionsFor: one fixture user owns COUNT more connections, spread over the environments,
 * visible through the real clients, with a few in Error — and the named fixture is unchanged otherwise.
 */
import { collect } from '../../src/clients';
import { USERS, startTestComposition, type TestComposition } from '../support/testComposition';

let domain: TestComposition;

beforeAll(async () => {
  domain = await startTestComposition({
    emulator: {
      extraConnectionsFor: [
        { upn: 'meganb@example.com', count: 120 },
        // Lynne's only in the first two environments (the benches give a maker the same environments on any tenant).
        { upn: 'lynner@example.com', count: 30, environments: 2 },
      ],
    },
  });
});
afterAll(() => domain.close());

async function connectionsOwnedBy(userId: string) {
  const { connections } = domain.ctx.tenant;
  const environments = await connections.listEnvironments();
  const all = (await Promise.all(environments.map((e) => collect(connections.listConnections(e.id))))).flat();
  return { all, owned: all.filter((c) => c.createdBy.id.toLowerCase() === userId.toLowerCase()), environments };
}

test('Megan owns 120 more connections across every environment, some in Error, survives a reset', async () => {
  const { owned, environments } = await connectionsOwnedBy(USERS.megan.id);
  const extra = owned.filter((c) => c.name.startsWith('extra'));
  expect(extra).toHaveLength(120);
  expect(new Set(extra.map((c) => c.environmentId)).size).toBe(environments.length);
  expect(extra.filter((c) => c.status === 'Error').length).toBeGreaterThan(0);

  domain.emulator.control.reset();
  expect((await connectionsOwnedBy(USERS.megan.id)).owned).toHaveLength(owned.length);
});

test('a user given extra connections in the first two environments has them there only', async () => {
  const { owned, environments } = await connectionsOwnedBy(USERS.lynne.id);
  const extra = owned.filter((c) => c.name.startsWith('extra'));
  expect(extra).toHaveLength(30);
  expect(new Set(extra.map((c) => c.environmentId))).toEqual(new Set(environments.slice(0, 2).map((e) => e.id)));
});

test('other users keep exactly their fixture connections', async () => {
  const { owned } = await connectionsOwnedBy(USERS.adele.id);
  expect(owned.length).toBeGreaterThan(0);
  expect(owned.filter((c) => c.name.startsWith('extra'))).toEqual([]);
});
