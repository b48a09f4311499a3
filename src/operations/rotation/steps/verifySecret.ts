/**
 * Step 3: poll a client-credentials token request with the new secret until Entra accepts it (a few seconds of
 * propagation are normal), bounded by the options. Not accepted in time → compensate (withdraw the new secret).
 */
import { pollUntil } from '../pollUntil';
import type { RotationRun } from '../rotationRun';
import { secretForSteps } from './secretForSteps';

export async function verifySecret(run: RotationRun): Promise<void> {
  const { rotation } = run;
  const secret = await secretForSteps(run);
  if (secret === undefined) {
    await run.audit('verify', 'failure', { error: 'secret version missing from Key Vault' });
    await run.save({
      state: 'compensating',
      reason: `Key Vault no longer holds version ${rotation.vaultVersion ?? '?'} of ${rotation.vaultSecretName}, so the new secret was withdrawn; the old secret is still in use.`,
    });
    return;
  }
  // Waiting for Entra is the longest quiet part of a rotation: the cards say so, and for how long, while it lasts.
  const result = await pollUntil(
    () => run.ctx.tenant.tokenProbe.canAuthenticate(rotation.appId, secret),
    run.options.verify,
    () => run.reportSteps(true),
  );
  if (result.ok) {
    await run.audit('verify', 'success', { attempts: result.attempts });
    await run.save({ state: 'updatingConnections', verifiedAt: run.ctx.clock.now().toISOString() });
    return;
  }
  const seconds = Math.round(run.options.verify.timeoutMs / 1000);
  const cause = result.lastError ? ` (last error: ${run.describe(result.lastError)})` : '';
  await run.audit('verify', 'failure', { attempts: result.attempts, error: cause || 'not accepted' });
  await run.save({
    state: 'compensating',
    reason: `Microsoft Entra did not accept the new secret within ${seconds} s${cause}, so it was withdrawn; the old secret is still in use.`,
  });
}
