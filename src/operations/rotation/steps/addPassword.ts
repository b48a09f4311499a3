/**
 * Step 1: add the new client secret. addPassword is not idempotent, so it is never blind-retried: the attempt
 * number is recorded BEFORE each call and carried in the credential's display name, and anything this rotation
 * added earlier without the secret reaching Key Vault (a lost response, a process that died) is found by that
 * name and removed — its secret is lost, so it can never be adopted. Then one more call is allowed.
 */
import { isTenantApiError } from '../../../tenant/errors';
import type { NewPasswordCredential } from '../../../tenant/model';
import { credentialDisplayName, isOwnCredential } from '../rotationNames';
import type { RotationRun } from '../rotationRun';
import { removeCredential } from './removeCredential';

/** Calls per advance: the first, plus one after reconciling an unknown outcome or a transient failure. */
const MAX_CALLS = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Removes every credential this rotation added (whatever the attempt); their secrets are not in Key Vault. */
export async function removeOwnCredentials(run: RotationRun, reason: string): Promise<number> {
  const { directory } = run.ctx.tenant;
  const app = await directory.getApplication(run.rotation.appObjectId);
  const own = app.passwordCredentials.filter((c) => isOwnCredential(c.displayName, run.rotation.id));
  for (const credential of own) {
    await removeCredential(run, credential.keyId);
    await run.audit('removeNewCredential', 'success', { keyId: credential.keyId, reason });
  }
  return own.length;
}

function mayHaveHappenedOrPasses(error: unknown): boolean {
  return isTenantApiError(error) && ['outcomeUnknown', 'unavailable', 'timeout', 'throttled'].includes(error.kind);
}

export async function addPassword(run: RotationRun): Promise<void> {
  const { directory } = run.ctx.tenant;
  await removeOwnCredentials(run, 'orphan of an earlier attempt');
  const lifetimeDays = run.ctx.config.SECRET_LIFETIME_DAYS;

  for (let call = 1; ; call++) {
    const attempt = run.rotation.attempt + 1;
    await run.save({ attempt });
    const endDateTime = new Date(run.ctx.clock.now().getTime() + lifetimeDays * DAY_MS).toISOString();
    let added: NewPasswordCredential;
    try {
      added = await directory.addPassword(run.rotation.appObjectId, {
        displayName: credentialDisplayName(run.rotation.id, attempt),
        endDateTime,
      });
    } catch (error) {
      const reason = run.describe(error);
      const unknown = isTenantApiError(error) && error.kind === 'outcomeUnknown';
      await run.audit('addPassword', 'failure', { attempt, outcomeUnknown: unknown, error: reason });
      if (!mayHaveHappenedOrPasses(error)) {
        await run.save({
          state: 'failed',
          reason: `Microsoft Graph refused to add a new secret to ${run.rotation.appDisplayName} (${reason}). Nothing was changed; the old secret is still in use.`,
        });
        return;
      }
      // The credential may exist without us holding its secret: find it by name and remove it.
      await removeOwnCredentials(run, unknown ? 'addPassword outcome unknown' : 'addPassword failed');
      if (call >= MAX_CALLS) {
        await run.save({
          state: 'failed',
          reason: `Microsoft Graph did not add a new secret to ${run.rotation.appDisplayName} after ${call} tries (${reason}). Nothing was changed; the old secret is still in use.`,
        });
        return;
      }
      continue;
    }
    // Outside the try: a failure from here on (the store, a dying process) is not Graph's answer, and leaves a
    // credential that the next run finds by its name.
    run.holdSecret(added.keyId, added.secretText);
    await run.audit('addPassword', 'success', { keyId: added.keyId, attempt, endDateTime: added.endDateTime });
    await run.save({ state: 'storingSecret', newKeyId: added.keyId, newEndDateTime: added.endDateTime });
    return;
  }
}
