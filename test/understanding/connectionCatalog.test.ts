/**
 * The connection catalog rebuilt a slice at a time: the same catalog as one filled at once, and, while a rebuild
 * is under way, messages are answered from the catalog in use, never from a half-filled one. The pauses between
 * slices are the test's: it holds the rebuild at its first pause and lets it go, so nothing here waits for time.
 */
import { buildFixture } from '../../src/emulator/fixture';
import { scaleTenant } from '../../src/emulator/scale';
import { TenantNames, understand, type NamesSnapshot } from '../../src/understanding';
import { ConnectionCatalog, type CatalogSources } from '../../src/understanding/connectionCatalog';
import { USERS, startTestComposition, type TestComposition } from '../support/testComposition';

const NOW = new Date('2026-12-04T10:00:00Z');

/** The scale generator's connections (several connectors, people and service principals), as the index holds them. */
function scaleSources(size: number): CatalogSources {
  const state = scaleTenant(buildFixture({ now: NOW, botSecret: 'test' }), { seed: 11, size }, NOW);
  return {
    environments: state.environments.map((e) => ({ id: e.name, displayName: e.displayName })),
    users: state.users.map((u) => ({ id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName })),
    apps: state.applications.map((a) => ({ id: a.id, displayName: a.displayName, appId: a.appId })),
    connections: state.environments.map((e) => ({
      environmentId: e.name,
      rows: (state.index.connectionsByEnv.get(e.name) ?? []).map((c) => ({
        name: c.name,
        displayName: c.displayName,
        connector: c.connector,
        createdBy: { id: c.ownerId },
        authType: c.auth.kind,
        servicePrincipalAppId: c.auth.kind === 'servicePrincipal' ? c.auth.clientId : undefined,
        accountName: c.auth.kind === 'user' ? c.auth.accountName : undefined,
      })),
    })),
    connectorLabel: (connector) => connector.replace(/^shared_/, ''),
  };
}

test('built a slice at a time, the catalog is the one filled at once', async () => {
  const sources = scaleSources(3_000);
  let pauses = 0;
  const built = await ConnectionCatalog.build(sources, async () => {
    pauses++;
  });
  const atOnce = ConnectionCatalog.from(sources);
  expect(pauses).toBeGreaterThan(2);
  expect(built.size).toBe(sources.connections.reduce((n, e) => n + e.rows.length, 0));
  expect(built.size).toBeGreaterThan(3_000);
  // Every lookup (ids, display names, owners, apps, connector and owner words), compared whole.
  expect(built).toEqual(atOnce);
});

describe('while the names are rebuilt', () => {
  let domain: TestComposition;
  beforeAll(async () => {
    domain = await startTestComposition();
  });
  afterAll(async () => {
    await domain?.close();
  });

  test('a message is answered from the catalog in use until the new one is complete', async () => {
    const tenant = domain.ctx.tenant;
    const environments = await tenant.connections.listEnvironments();
    const dev = environments.find((e) => e.displayName === 'Contoso DEV')!;
    // Enough rows for several slices, and one connection people name: "Blob archive", a different one per snapshot.
    const padding = Array.from({ length: 2_500 }, (_, i) => ({
      environmentId: dev.id,
      name: `shared-teams-pad${i}`,
      displayName: `Team chat ${i}`,
      connector: 'shared_teams',
      createdBy: { id: USERS.adele.id },
    }));
    const archive = (name: string) => ({
      environmentId: dev.id,
      name,
      displayName: 'Blob archive',
      connector: 'shared_azureblob',
      createdBy: { id: USERS.megan.id },
    });
    let snapshot: NamesSnapshot = {
      takenAt: new Date(domain.clock.now().getTime() - 60_000),
      environments,
      flows: [],
      connections: [archive('shared-azureblob-old1'), ...padding],
    };

    // The test's pause: counts the slices, and once `holding`, holds the rebuild at its pause until released.
    let pauses = 0;
    let holding = false;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let pausedAt: (() => void) | undefined;
    const pause = async () => {
      pauses++;
      if (!holding) return;
      pausedAt?.();
      await held;
    };
    const names = new TenantNames({ tenant, clock: domain.clock, snapshot: () => snapshot, pause });
    const connectionOf = async (index: Awaited<ReturnType<TenantNames['current']>>) =>
      (await understand('what depends on Blob archive?', { names: index })).entities.connectionId;

    await names.refresh();
    const first = await names.current();
    expect(await connectionOf(first)).toBe('shared-azureblob-old1');

    // A newer snapshot; its rebuild is held at its first pause.
    holding = true;
    const paused = new Promise<string>((resolve) => {
      pausedAt = () => resolve('paused');
    });
    pauses = 0;
    domain.clock.advance(60_000);
    snapshot = {
      ...snapshot,
      takenAt: domain.clock.now(),
      connections: [...padding, archive('shared-azureblob-new2')],
    };
    expect(await names.current()).toBe(first); // starts the rebuild in the background
    // Held, not finished: a rebuild filled at once would have finished without a pause.
    expect(await Promise.race([paused, names.refresh().then(() => 'finished')])).toBe('paused');

    const during = await names.current();
    expect(during).toBe(first);
    expect(await connectionOf(during)).toBe('shared-azureblob-old1');

    release();
    await names.refresh();
    const after = await names.current();
    expect(after).not.toBe(first);
    expect(pauses).toBeGreaterThan(1);
    expect(await connectionOf(after)).toBe('shared-azureblob-new2');
    expect(after.connections?.named('shared-azureblob-old1')).toBeUndefined();
  });
});
