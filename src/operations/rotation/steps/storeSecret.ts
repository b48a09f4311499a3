/**
 * Step 2: put the new secret into Key Vault as a new version of `sp-<appId>`, tagged with the app, key and
 * rotation. If this process no longer holds the secret (it died, or an earlier call ended, after step 1), the
 * vault is asked whether the secret got there anyway (tags carry the keyId); if not, the secret is lost: the
 * credential is removed and step 1 starts over.
 */
import type { RotationRun } from '../rotationRun';
import { removeOwnCredentials } from './addPassword';

async function versionHoldingNewKey(run: RotationRun): Promise<string | undefined> {
  const { rotation } = run;
  try {
    const latest = await run.ctx.tenant.vault.getSecretProperties(rotation.vaultSecretName);
    if (latest?.tags.keyId === rotation.newKeyId && latest?.tags.rotationId === rotation.id) return latest.version;
  } catch {
    // Vault unreachable: we cannot tell, so treat it as not stored (the caller removes the credential, which is safe).
  }
  return undefined;
}

export async function storeSecret(run: RotationRun): Promise<void> {
  const { rotation } = run;
  const secret = run.heldSecret(rotation.newKeyId);
  if (secret === undefined) {
    const version = await versionHoldingNewKey(run);
    if (version) {
      await run.audit('storeSecret', 'success', { version, keyId: rotation.newKeyId ?? null, recovered: true });
      await run.save({ state: 'verifying', vaultVersion: version });
      return;
    }
    await run.audit('secretLost', 'info', { keyId: rotation.newKeyId ?? null });
    await removeOwnCredentials(run, 'secret lost before it reached Key Vault');
    await run.save({ state: 'addingPassword', newKeyId: undefined, newEndDateTime: undefined });
    return;
  }

  try {
    const { version } = await run.ctx.tenant.vault.setSecret(rotation.vaultSecretName, secret, {
      expiresOn: rotation.newEndDateTime ? new Date(rotation.newEndDateTime) : undefined,
      contentType: 'client secret',
      tags: { appId: rotation.appId, keyId: rotation.newKeyId ?? '', rotationId: rotation.id },
    });
    await run.audit('storeSecret', 'success', { version, keyId: rotation.newKeyId ?? null });
    await run.save({ state: 'verifying', vaultVersion: version });
  } catch (error) {
    const reason = run.describe(error);
    // The write may have landed although the answer was lost: the tags tell.
    const version = await versionHoldingNewKey(run);
    if (version) {
      await run.audit('storeSecret', 'success', { version, keyId: rotation.newKeyId ?? null, recovered: true });
      await run.save({ state: 'verifying', vaultVersion: version });
      return;
    }
    await run.audit('storeSecret', 'failure', { error: reason });
    await run.save({
      state: 'compensating',
      reason: `The new secret could not be stored in Key Vault (${reason}), so it was withdrawn; the old secret is still in use.`,
    });
  }
}
