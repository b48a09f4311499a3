/**
 * A names refresh built a slice at a time: the names and the NameIndex are the ones made at once, and, while a
 * refresh is under way, messages are answered from the index in use, never from a half-built one, whichever stage
 * (the snapshot's rows sorted, the names, the connection catalog, the NameIndex) it is held at. The pauses between
 * slices are the test's: it holds the refresh at one of them and lets it go, so nothing here waits for time.
 */
import { buildFixture } from '../../src/emulator/fixture';
import { scaleTenant } from '../../src/emulator/scale';
import { NameIndex, TenantNames, type NamesSnapshot } from '../../src/understanding';
import { connectionCatalog, buildNames, namesFrom, type TenantNameSources } from '../../src/understanding/tenantNames';
import { words } from '../../src/understanding/text';
import { USERS, startTestComposition, type TestComposition } from '../support/testComposition';

const NOW = new Date('2026-12-04T10:00:00Z');

/** The scale generator's names (flows, apps, people, solutions, connections of several connectors). */
function scaleSources(size: number): TenantNameSources {
  const state = scaleTenant(buildFixture({ now: NOW, botSecret: 'test' }), { seed: 11, size }, NOW);
  return {
    environments: state.environments.map((e) => ({ id: e.name, displayName: e.displayName })),
    users: state.users.map((u) => ({ id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName })),
    apps: state.applications.map((a) => ({ id: a.id, displayName: a.displayName, appId: a.appId })),
    perEnvironment: state.environments.map((e) => ({
      environment: { id: e.name, displayName: e.displayName },
      flows: (state.index.flowsByEnv.get(e.name) ?? []).map((f) => ({
        id: f.name,
        displayName: f.displayName,
        creatorId: f.creatorId,
        state: f.state,
      })),
      connections: (state.index.connectionsByEnv.get(e.name) ?? []).map((c) => ({
        name: c.name,
        displayName: c.displayName,
        connector: c.connector,
        createdBy: { id: c.ownerId },
      })),
      solutions: (e.dataverse?.solutions ?? []).map((s) => ({ id: s.solutionid, friendlyName: s.friendlyname })),
    })),
  };
}

test('built a slice at a time, the names and the name index are the ones made at once', async () => {
  const sources = scaleSources(8_000);
  let pauses = 0;
  const count = async () => {
    pauses++;
  };
  const names = await buildNames(sources, count);
  expect(pauses).toBeGreaterThan(1);
  expect(names).toEqual(namesFrom(sources));
  expect(names.length).toBeGreaterThan(3_000);

  pauses = 0;
  const connections = connectionCatalog(sources);
  const built = await NameIndex.build(names, { connections }, count);
  const atOnce = new NameIndex(names, { connections });
  expect(pauses).toBeGreaterThan(2);
  // Every key, prefix, typo and vocabulary entry, compared whole.
  expect(built).toEqual(atOnce);
  expect(built.connections).toBe(connections);
  const flow = sources.perEnvironment.flatMap((p) => p.flows).find((f) => f.displayName.split(' ').length > 1)!;
  expect(built.find(words(flow.displayName))[0].hits.map((h) => h.name.id)).toContain(flow.id);
});

describe('while the names are refreshed', () => {
  let domain: TestComposition;
  beforeAll(async () => {
    domain = await startTestComposition();
  });
  afterAll(async () => {
    await domain?.close();
  });

  /** The id of the flow the index finds for "Harbour tally", and of the connection named "Blob archive". */
  const answers = (index: NameIndex) => ({
    flow: index.find(words('why cant i turn on Harbour tally'))[0]?.hits[0]?.name.id,
    connection: index.connections?.displayNamed(['blob', 'archive'])[0]?.name,
  });

  // The first pause is in sorting the snapshot's rows; the last is in filling the new NameIndex, once the names
  // and the catalog are complete: either way the index in use answers.
  test.each(['first', 'last'] as const)(
    'held at its %s pause, a refresh leaves the index in use answering until the new one is complete',
    async (at) => {
      const tenant = domain.ctx.tenant;
      const environments = await tenant.connections.listEnvironments();
      const dev = environments.find((e) => e.displayName === 'Contoso DEV')!;
      // Enough flows and connections for several slices of every stage; one flow and one connection that people
      // name, a different one per snapshot.
      const flows = Array.from({ length: 2_500 }, (_, i) => ({
        id: `pad-flow-${i}`,
        environmentId: dev.id,
        displayName: `Padding run ${i}`,
        creatorId: USERS.adele.id,
        state: 'Started' as const,
      }));
      const connections = Array.from({ length: 2_500 }, (_, i) => ({
        environmentId: dev.id,
        name: `shared-teams-pad${i}`,
        displayName: `Team chat ${i}`,
        connector: 'shared_teams',
        createdBy: { id: USERS.adele.id },
      }));
      const harbour = (id: string) => ({ ...flows[0], id, displayName: 'Harbour tally' });
      const archive = (name: string) => ({ ...connections[0], name, displayName: 'Blob archive' });
      let snapshot: NamesSnapshot = {
        takenAt: new Date(domain.clock.now().getTime() - 60_000),
        environments,
        flows: [harbour('flow-old'), ...flows],
        connections: [archive('shared-azureblob-old1'), ...connections],
      };

      // The test's pause: counts the pauses, and holds the refresh at pause number `holdAt` until released.
      let pauses = 0;
      let holdAt = Infinity;
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let pausedAt: (() => void) | undefined;
      const pause = async () => {
        pauses++;
        if (pauses !== holdAt) return;
        pausedAt?.();
        await held;
      };
      const names = new TenantNames({ tenant, clock: domain.clock, snapshot: () => snapshot, pause });

      await names.refresh();
      const first = await names.current();
      expect(answers(first)).toEqual({ flow: 'flow-old', connection: 'shared-azureblob-old1' });
      const pausesOfARefresh = pauses;
      expect(pausesOfARefresh).toBeGreaterThan(4);

      // A newer snapshot of the same size; its refresh is held at its first or last pause.
      holdAt = at === 'first' ? 1 : pausesOfARefresh;
      pauses = 0;
      const paused = new Promise<string>((resolve) => {
        pausedAt = () => resolve('paused');
      });
      domain.clock.advance(60_000);
      snapshot = {
        ...snapshot,
        takenAt: domain.clock.now(),
        flows: [...flows, harbour('flow-new')],
        connections: [...connections, archive('shared-azureblob-new2')],
      };
      expect(await names.current()).toBe(first); // starts the refresh in the background
      // Held, not finished: a refresh made at once would have finished without a pause.
      expect(await Promise.race([paused, names.refresh().then(() => 'finished')])).toBe('paused');
      expect(pauses).toBe(holdAt);

      const during = await names.current();
      expect(during).toBe(first);
      expect(answers(during)).toEqual({ flow: 'flow-old', connection: 'shared-azureblob-old1' });

      release();
      await names.refresh();
      const after = await names.current();
      expect(after).not.toBe(first);
      expect(pauses).toBe(pausesOfARefresh);
      expect(answers(after)).toEqual({ flow: 'flow-new', connection: 'shared-azureblob-new2' });
      expect(after.find(words('Harbour tally'))[0].hits.map((h) => h.name.id)).not.toContain('flow-old');
    },
  );
});
