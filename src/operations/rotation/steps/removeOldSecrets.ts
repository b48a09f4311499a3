/**
 * Step 5: once the grace period has passed, remove the credentials that existed before this rotation. Each removal
 * is recorded, and a credential already gone counts as removed, so a restart simply continues.
 */
import type { RotationRun } from '../rotationRun';
import { removeCredential } from './removeCredential';

export async function removeOldSecrets(run: RotationRun): Promise<void> {
  const { directory } = run.ctx.tenant;
  const app = await directory.getApplication(run.rotation.appObjectId);
  const present = new Set(app.passwordCredentials.map((c) => c.keyId));
  for (const keyId of run.rotation.oldKeyIds ?? []) {
    if (run.rotation.removedOldKeyIds.includes(keyId)) continue;
    const removed = present.has(keyId) ? await removeCredential(run, keyId) : false;
    await run.audit('removeOldSecret', 'success', { keyId, alreadyGone: !removed });
    await run.save({ removedOldKeyIds: [...run.rotation.removedOldKeyIds, keyId] });
  }
  run.dropSecret();
  await run.save({ state: 'done' });
  await run.audit('done', 'success', { newKeyId: run.rotation.newKeyId ?? null });
}
