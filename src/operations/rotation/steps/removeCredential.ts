/**
 * Removes one password credential, and counts one that is already gone as removed. Graph's answer to removing a
 * key that no longer exists is not documented: 404, or 400 ("No password credential found…") as seen. A 404 is
 * gone; after a 400 the app is read again, and only a key that is really absent counts as removed.
 */
import { isTenantApiError } from '../../../tenant/errors';
import type { RotationRun } from '../rotationRun';

/** True when this call removed it, false when it was already gone. */
export async function removeCredential(run: RotationRun, keyId: string): Promise<boolean> {
  const { directory } = run.ctx.tenant;
  try {
    await directory.removePassword(run.rotation.appObjectId, keyId);
    return true;
  } catch (error) {
    if (!isTenantApiError(error)) throw error;
    if (error.kind === 'notFound') return false;
    if (error.kind !== 'badRequest') throw error;
    const app = await directory.getApplication(run.rotation.appObjectId);
    if (app.passwordCredentials.some((c) => c.keyId === keyId)) throw error;
    return false;
  }
}
