/**
 * Step 5: once the grace period has passed, remove the credentials that existed before this rotation. Each removal
 * is recorded, and a credential already gone counts as removed, so a restart simply continues.
 */
import { isTenantApiError } from '../../../tenant/errors';
import type { RotationRun } from '../rotationRun';

export async function removeOldSecrets(run: RotationRun): Promise<void> {
  const { directory } = run.ctx.tenant;
  const app = await directory.getApplication(run.rotation.appObjectId);
  const present = new Set(app.passwordCredentials.map((c) => c.keyId));
  for (const keyId of run.rotation.oldKeyIds ?? []) {
    if (run.rotation.removedOldKeyIds.includes(keyId)) continue;
    if (present.has(keyId)) {
      try {
        await directory.removePassword(run.rotation.appObjectId, keyId);
      } catch (error) {
        if (!isTenantApiError(error) || error.kind !== 'notFound') throw error;
      }
    }
    await run.audit('removeOldSecret', 'success', { keyId, alreadyGone: !present.has(keyId) });
    await run.save({ removedOldKeyIds: [...run.rotation.removedOldKeyIds, keyId] });
  }
  run.dropSecret();
  await run.save({ state: 'done' });
  await run.audit('done', 'success', { newKeyId: run.rotation.newKeyId ?? null });
}
