/** Before step 1: remember which password credentials exist now — these are the "old" ones removed at the end. */
import { isOwnCredential } from '../rotationNames';
import type { RotationRun } from '../rotationRun';

export async function startRotation(run: RotationRun): Promise<void> {
  const app = await run.ctx.tenant.directory.getApplication(run.rotation.appObjectId);
  const oldKeyIds = app.passwordCredentials
    .filter((c) => !isOwnCredential(c.displayName, run.rotation.id))
    .map((c) => c.keyId);
  await run.save({ state: 'addingPassword', oldKeyIds });
  await run.audit('started', 'info', { oldCredentials: oldKeyIds.length, requestedBy: run.rotation.requestedBy });
}
