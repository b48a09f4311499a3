/**
 * A process that dies at any point of the rotation, and a fresh process (new context, same SQLite file) that
 * resumes it: the saga still ends done with exactly one new credential and the old ones removed. Also: many
 * simultaneous advanceRotation calls run the saga once.
 */
import { advanceRotation, createRotation, type Rotation } from '../../../src/operations/rotation';
import { appNamed, expectNoSecretLeaks, operationSuite } from '../../support/operationHarness';
import { USERS } from '../../../src/emulator/fixture';

const MEGAN = USERS.megan.id;
const FAST = { verify: { timeoutMs: 5_000, initialDelayMs: 50, maxDelayMs: 400 } };

const suite = operationSuite({ openBeforeEach: false });

class Killed extends Error {}

type CrashPoint = { name: string; before?: (r: Rotation) => boolean; after?: (r: Rotation) => boolean };

const CRASH_POINTS: CrashPoint[] = [
  { name: 'before step 1 records its attempt', before: (r) => r.state === 'addingPassword' && r.attempt === 1 },
  // addPassword answered, the keyId not yet recorded: the credential is an orphan found by its name.
  { name: 'after addPassword, before recording it', before: (r) => r.state === 'storingSecret' },
  // keyId recorded, secret only in the dead process's memory: the secret is lost.
  { name: 'between steps 1 and 2 (secret only in memory)', after: (r) => r.state === 'storingSecret' },
  { name: 'after Key Vault has the secret', after: (r) => r.state === 'verifying' },
  { name: 'after verifying', after: (r) => r.state === 'updatingConnections' && r.connections === undefined },
  { name: 'after the first connection switched', after: (r) => r.connections?.[0]?.outcome === 'updated' },
  { name: 'before the old secret is removed', after: (r) => r.state === 'waiting' },
];

test.each(CRASH_POINTS)('killed $name: a restarted process finishes with one new credential', async (point) => {
  await suite.open();
  const app = await appNamed(suite.oc.ctx.tenant, 'D365-App-Registration');
  const created = await createRotation(suite.oc.ctx, { appObjectId: app.id, requestedBy: MEGAN, approvalId: 'crash' });

  const kill = (predicate?: (r: Rotation) => boolean) => (r: Rotation) => {
    if (predicate?.(r)) throw new Killed(point.name);
  };
  await expect(
    advanceRotation(suite.oc.ctx, created.id, {
      ...FAST,
      hooks: { beforeSave: kill(point.before), afterSave: kill(point.after) },
    }),
  ).rejects.toBeInstanceOf(Killed);

  const restarted = await suite.oc.restart();
  const done = await advanceRotation(restarted, created.id, FAST);
  expect(done.state).toBe('done');
  const after = await restarted.tenant.directory.getApplication(app.id);
  expect(after.passwordCredentials.map((c) => c.keyId)).toEqual([done.newKeyId]);
  const vault = await restarted.tenant.vault.getSecretProperties(`sp-${app.appId}`);
  expect(vault?.tags.keyId).toBe(done.newKeyId);
  for (const c of done.connections ?? []) {
    expect(
      (await restarted.tenant.connections.getConnection(c.environmentId, c.connector, c.connectionName)).status,
    ).toBe('Connected');
  }
  await expectNoSecretLeaks(suite.emulator, suite.oc, [done]);
});

test('twenty simultaneous advanceRotation calls from separate processes run the saga once', async () => {
  await suite.open();
  const app = await appNamed(suite.oc.ctx.tenant, 'D365-App-Registration');
  const created = await createRotation(suite.oc.ctx, { appObjectId: app.id, requestedBy: MEGAN, approvalId: 'race' });
  const contexts = await Promise.all(Array.from({ length: 20 }, () => suite.oc.restart()));
  const issuedBefore = suite.emulator.control.issuedSecrets().length;

  const results = await Promise.all(contexts.map((ctx) => advanceRotation(ctx, created.id, FAST)));
  // The lease holder runs it to the end; the others return at once with the state they found (still in progress).
  expect(results.some((r) => r.state === 'done')).toBe(true);
  expect(results.filter((r) => r.state === 'failed' || r.state === 'needsAttention')).toEqual([]);
  expect(suite.emulator.control.issuedSecrets().length - issuedBefore).toBe(1);
  const started = (await suite.oc.audit()).filter((e) => e.action === 'rotation.started');
  expect(started).toHaveLength(1);

  const final = await advanceRotation(suite.oc.ctx, created.id, FAST);
  expect(final.state).toBe('done');
});
