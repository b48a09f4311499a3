/**
 * After step 2 or 3 failed: remove every credential this rotation added and keep the old ones, then make Key Vault
 * stop serving the withdrawn secret (withdrawFromVault.ts). Failing to reach Graph or Key Vault here throws, leaving
 * the saga in `compensating` so the next run finishes the job.
 */
import type { RotationRun } from '../rotationRun';
import { removeOwnCredentials } from './addPassword';
import { withdrawFromVault } from './withdrawFromVault';

export async function compensate(run: RotationRun): Promise<void> {
  const removed = await removeOwnCredentials(run, 'compensation');
  run.dropSecret();
  await withdrawFromVault(run);
  await run.audit('compensate', 'failure', { removedCredentials: removed, reason: run.rotation.reason ?? null });
  await run.save({ state: 'failed' });
}
