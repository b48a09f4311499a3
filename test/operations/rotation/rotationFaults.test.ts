/**
 * Faults at each step of the rotation, injected by the emulator, and the states they must end in: nothing changed
 * (Graph refuses), one new credential despite a lost answer (ambiguous addPassword), new credential withdrawn (Key
 * Vault down, secret never accepted), a short propagation delay simply waited out, and needsAttention with both
 * credentials kept when a connection cannot be switched.
 */
import { advanceRotation, createRotation } from '../../../src/operations/rotation';
import type { AppRegistration } from '../../../src/tenant/model';
import { appNamed, expectNoSecretLeaks, operationSuite } from '../../support/operationHarness';
import { USERS } from '../../../src/emulator/fixture';

const MEGAN = USERS.megan.id;
const FAST = { verify: { timeoutMs: 4_000, initialDelayMs: 50, maxDelayMs: 400 } };

const suite = operationSuite({ openBeforeEach: false });

async function start(approvalId: string): Promise<{ app: AppRegistration; rotationId: string }> {
  await suite.open();
  const app = await appNamed(suite.oc.ctx.tenant, 'D365-App-Registration');
  const rotation = await createRotation(suite.oc.ctx, { appObjectId: app.id, requestedBy: MEGAN, approvalId });
  return { app, rotationId: rotation.id };
}

async function keyIds(appObjectId: string): Promise<string[]> {
  const app = await suite.oc.ctx.tenant.directory.getApplication(appObjectId);
  return app.passwordCredentials.map((c) => c.keyId).sort();
}

test('Graph failing addPassword ends failed with nothing changed and the old secret kept', async () => {
  const { app, rotationId } = await start('fault-graph');
  suite.emulator.control.setFaults('graph.addPassword:error=1:503');
  const result = await advanceRotation(suite.oc.ctx, rotationId, FAST);
  suite.emulator.control.setFaults('');

  expect(result.state).toBe('failed');
  expect(result.reason).toMatch(/old secret is still in use/);
  expect(await keyIds(app.id)).toEqual(app.passwordCredentials.map((c) => c.keyId).sort());
  expect(await suite.oc.ctx.tenant.vault.getSecretProperties(`sp-${app.appId}`)).toBeUndefined();
  await expectNoSecretLeaks(suite.emulator, suite.oc, [result]);
});

test('a lost addPassword answer: the orphan is found by name and removed, and exactly one new credential remains', async () => {
  const { app, rotationId } = await start('fault-ambiguous');
  // Only the first call is ambiguous: the fault is cleared as soon as that call returns.
  const directory = suite.oc.ctx.tenant.directory;
  const realAdd = directory.addPassword.bind(directory);
  directory.addPassword = async (objectId, credential) => {
    try {
      return await realAdd(objectId, credential);
    } finally {
      suite.emulator.control.setFaults('');
    }
  };
  const issuedBefore = suite.emulator.control.issuedSecrets().length;
  suite.emulator.control.setFaults('graph.addPassword:ambiguous=1');

  const result = await advanceRotation(suite.oc.ctx, rotationId, FAST);
  expect(result.state).toBe('done');
  expect(result.attempt).toBe(2);
  const after = await suite.oc.ctx.tenant.directory.getApplication(app.id);
  expect(after.passwordCredentials).toHaveLength(1);
  expect(after.passwordCredentials[0].displayName).toBe(`ConnectionOps rotation ${rotationId} attempt 2`);
  expect(suite.emulator.control.issuedSecrets().length - issuedBefore).toBe(2);

  const audit = (await suite.oc.audit()).filter((e) => e.correlationId === rotationId);
  expect(audit.find((e) => e.action === 'rotation.addPassword' && e.outcome === 'failure')?.details).toMatchObject({
    outcomeUnknown: true,
  });
  expect(audit.some((e) => e.action === 'rotation.removeNewCredential')).toBe(true);
  await expectNoSecretLeaks(suite.emulator, suite.oc, [result]);
});

test('Key Vault down: the new credential is withdrawn, the old kept, the rotation failed with a plain reason', async () => {
  const { app, rotationId } = await start('fault-vault');
  suite.emulator.control.setFaults('keyVault:down');
  const result = await advanceRotation(suite.oc.ctx, rotationId, FAST);
  suite.emulator.control.setFaults('');

  expect(result.state).toBe('failed');
  expect(result.reason).toMatch(/Key Vault/);
  expect(await keyIds(app.id)).toEqual(app.passwordCredentials.map((c) => c.keyId).sort());
  await expectNoSecretLeaks(suite.emulator, suite.oc, [result]);
});

test('a propagation delay of a second is waited out before any connection is switched', async () => {
  const { rotationId } = await start('fault-propagation');
  suite.emulator.control.setFaults('token:propagation=1000');
  const result = await advanceRotation(suite.oc.ctx, rotationId, FAST);
  suite.emulator.control.setFaults('');

  expect(result.state).toBe('done');
  const verify = (await suite.oc.audit()).find((e) => e.correlationId === rotationId && e.action === 'rotation.verify');
  expect(verify?.outcome).toBe('success');
  expect(Number(verify?.details?.attempts)).toBeGreaterThan(1);
});

test('a secret never accepted within the bound is withdrawn and the old one kept', async () => {
  const { app, rotationId } = await start('fault-never-accepted');
  suite.emulator.control.setFaults('token:propagation=10000');
  const result = await advanceRotation(suite.oc.ctx, rotationId, {
    verify: { timeoutMs: 600, initialDelayMs: 50, maxDelayMs: 200 },
  });
  suite.emulator.control.setFaults('');

  expect(result.state).toBe('failed');
  expect(result.reason).toMatch(/did not accept the new secret/);
  expect(await keyIds(app.id)).toEqual(app.passwordCredentials.map((c) => c.keyId).sort());
  // Key Vault does not go on serving it: the vault had nothing before, so its only version is disabled.
  const versions = await suite.oc.ctx.tenant.vault.listSecretVersions(result.vaultSecretName);
  expect(versions.map((v) => [v.version, v.enabled])).toEqual([[result.vaultVersion, false]]);
  await expect(suite.oc.ctx.tenant.vault.getSecretValue(result.vaultSecretName)).rejects.toMatchObject({
    kind: 'forbidden',
  });
});

test('a withdrawn secret is not left as the latest in Key Vault: the value served before is restored', async () => {
  const { app, rotationId } = await start('fault-restore-vault');
  const name = `sp-${app.appId}`;
  const vault = suite.oc.ctx.tenant.vault;
  const before = await vault.setSecret(name, 'value-in-use-before-the-rotation', {
    tags: { keyId: app.passwordCredentials[0].keyId },
    contentType: 'client secret',
  });
  suite.emulator.control.setFaults('token:propagation=10000');
  const result = await advanceRotation(suite.oc.ctx, rotationId, {
    verify: { timeoutMs: 600, initialDelayMs: 50, maxDelayMs: 200 },
  });
  suite.emulator.control.setFaults('');

  expect(result.state).toBe('failed');
  expect(await vault.getSecretValue(name)).toBe('value-in-use-before-the-rotation');
  const [latest, withdrawn, original] = await vault.listSecretVersions(name);
  expect(latest.tags).toMatchObject({ restoredFrom: before.version, replaces: result.vaultVersion });
  expect(latest.tags.keyId).toBe(app.passwordCredentials[0].keyId);
  expect([withdrawn.version, withdrawn.enabled]).toEqual([result.vaultVersion, false]);
  expect([original.version, original.enabled]).toEqual([before.version, true]);
  const audit = (await suite.oc.audit()).find(
    (e) => e.correlationId === rotationId && e.action === 'rotation.withdrawFromVault',
  );
  expect(audit?.details).toMatchObject({ disabledVersion: result.vaultVersion, restoredVersion: latest.version });
  await expectNoSecretLeaks(suite.emulator, suite.oc, [result]);
});

test('a connection that cannot be switched: needsAttention naming it, both credentials kept, nobody told by the saga', async () => {
  const { app, rotationId } = await start('fault-connection');
  suite.emulator.control.setFaults('powerPlatform.updateConnection:error=1:500');
  const result = await advanceRotation(suite.oc.ctx, rotationId, FAST);
  suite.emulator.control.setFaults('');

  expect(result.state).toBe('needsAttention');
  const failed = (result.connections ?? []).filter((c) => c.outcome === 'failed');
  expect(failed.length).toBeGreaterThan(0);
  for (const c of failed) expect(result.reason).toContain(c.displayName);
  const now = await keyIds(app.id);
  expect(now).toEqual([...app.passwordCredentials.map((c) => c.keyId), result.newKeyId as string].sort());

  // The saga returns its outcome; only the approvals layer tells people (test/approvals/rotationApproval.test.ts).
  expect(suite.oc.notifier.sent).toEqual([]);
  // A needsAttention rotation is final: advancing again changes nothing.
  expect((await advanceRotation(suite.oc.ctx, rotationId, FAST)).state).toBe('needsAttention');
  await expectNoSecretLeaks(suite.emulator, suite.oc, [result]);
});
