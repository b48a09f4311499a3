/**
 * The rotation saga end to end on the demo tenant (emulator + real clients + SQLite): the happy path, the grace
 * period, and the secret's hygiene — no issued secret in the audit, the store file, notifications, logs or results.
 */
import { advanceRotation, createRotation, getRotation } from '../../../src/operations/rotation';
import { appNamed, expectNoSecretLeaks, operationSuite } from '../../support/operationHarness';
import { USERS } from '../../../src/emulator/fixture';

const MEGAN = USERS.megan.id;
const FAST = { verify: { timeoutMs: 5_000, initialDelayMs: 50, maxDelayMs: 400 } };

const suite = operationSuite({ openBeforeEach: false });

/** A secret added by the test itself stands for "the old secret": we know its value and can probe it later. */
async function oldSecretOf(appObjectId: string): Promise<string> {
  const added = await suite.oc.ctx.tenant.directory.addPassword(appObjectId, {
    displayName: 'old secret (test)',
    endDateTime: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  });
  return added.secretText;
}

test('rotates D365-App-Registration: tagged Key Vault version, PROD connection Connected, old secret refused', async () => {
  await suite.open();
  const { tenant } = suite.oc.ctx;
  const app = await appNamed(tenant, 'D365-App-Registration');
  const oldSecret = await oldSecretOf(app.id);
  expect(await tenant.tokenProbe.canAuthenticate(app.appId, oldSecret)).toBe(true);

  const created = await createRotation(suite.oc.ctx, { appObjectId: app.id, requestedBy: MEGAN, approvalId: 'appr-1' });
  const again = await createRotation(suite.oc.ctx, { appObjectId: app.id, requestedBy: MEGAN, approvalId: 'appr-1' });
  expect(again.id).toBe(created.id);
  expect(created.state).toBe('created');

  const done = await advanceRotation(suite.oc.ctx, created.id, FAST);
  expect([done.state, done.reason]).toEqual(['done', undefined]);

  const after = await tenant.directory.getApplication(app.id);
  expect(after.passwordCredentials.map((c) => c.keyId)).toEqual([done.newKeyId]);
  expect(after.passwordCredentials[0].displayName).toBe(`ConnectionOps rotation ${done.id}`);

  const vault = await tenant.vault.getSecretProperties(`sp-${app.appId}`);
  expect(vault).toMatchObject({
    version: done.vaultVersion,
    tags: { appId: app.appId, keyId: done.newKeyId, rotationId: done.id },
  });
  // Key Vault keeps whole seconds.
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  expect(seconds(vault?.expiresOn as Date)).toBe(seconds(new Date(done.newEndDateTime as string)));

  const prod = (done.connections ?? []).filter((c) => /PROD/.test(c.displayName));
  expect(prod.length).toBeGreaterThan(0);
  expect(done.connections?.every((c) => c.outcome === 'updated')).toBe(true);
  for (const c of done.connections ?? []) {
    const now = await tenant.connections.getConnection(c.environmentId, c.connector, c.connectionName);
    expect(now.status).toBe('Connected');
  }

  expect(await tenant.tokenProbe.canAuthenticate(app.appId, oldSecret)).toBe(false);
  const newSecret = await tenant.vault.getSecretValue(`sp-${app.appId}`, done.vaultVersion);
  expect(await tenant.tokenProbe.canAuthenticate(app.appId, newSecret as string)).toBe(true);

  const actions = (await suite.oc.audit()).filter((e) => e.correlationId === done.id).map((e) => e.action);
  expect(actions).toEqual(
    expect.arrayContaining([
      'rotation.created',
      'rotation.addPassword',
      'rotation.storeSecret',
      'rotation.verify',
      'rotation.updateConnection',
      'rotation.removeOldSecret',
      'rotation.done',
    ]),
  );
  expect(Object.keys(done)).not.toEqual(expect.arrayContaining(['secret']));
  await expectNoSecretLeaks(suite.emulator, suite.oc, [done, created, await getRotation(suite.oc.ctx, done.id)]);
});

test('waits for the grace period before removing the old secret, then removes it', async () => {
  await suite.open({ OLD_SECRET_GRACE_HOURS: '24' });
  const { tenant } = suite.oc.ctx;
  const app = await appNamed(tenant, 'D365-App-Registration');
  const oldSecret = await oldSecretOf(app.id);
  const created = await createRotation(suite.oc.ctx, { appObjectId: app.id, requestedBy: MEGAN, approvalId: 'appr-2' });

  const waiting = await advanceRotation(suite.oc.ctx, created.id, FAST);
  expect(waiting.state).toBe('waiting');
  expect(new Date(waiting.notBefore as string).getTime() - suite.oc.clock.now().getTime()).toBeGreaterThan(
    23 * 3600_000,
  );
  expect(await tenant.tokenProbe.canAuthenticate(app.appId, oldSecret)).toBe(true);
  expect((await advanceRotation(suite.oc.ctx, created.id, FAST)).state).toBe('waiting');

  suite.oc.clock.advance(25 * 3600_000);
  const done = await advanceRotation(suite.oc.ctx, created.id, FAST);
  expect(done.state).toBe('done');
  expect(await tenant.tokenProbe.canAuthenticate(app.appId, oldSecret)).toBe(false);
  const after = await tenant.directory.getApplication(app.id);
  expect(after.passwordCredentials.map((c) => c.keyId)).toEqual([done.newKeyId]);
  await expectNoSecretLeaks(suite.emulator, suite.oc, [waiting, done]);
});

test('an app without connections rotates too, and a second advance of a finished rotation changes nothing', async () => {
  await suite.open();
  const app = await appNamed(suite.oc.ctx.tenant, 'Legacy-Integration');
  const created = await createRotation(suite.oc.ctx, { appObjectId: app.id, requestedBy: MEGAN, approvalId: 'appr-3' });
  const done = await advanceRotation(suite.oc.ctx, created.id, FAST);
  expect(done.state).toBe('done');
  expect(done.connections).toEqual([]);
  expect([...done.removedOldKeyIds].sort()).toEqual(app.passwordCredentials.map((c) => c.keyId).sort());
  const issued = suite.emulator.control.issuedSecrets().length;
  expect(await advanceRotation(suite.oc.ctx, created.id, FAST)).toEqual(done);
  expect(suite.emulator.control.issuedSecrets().length).toBe(issued);
});
