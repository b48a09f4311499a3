/**
 * After step 2 or 3 failed: remove every credential this rotation added and keep the old ones. Failing to reach
 * Graph here throws, leaving the saga in `compensating` so the next run finishes the job.
 */
import type { RotationRun } from '../rotationRun';
import { removeOwnCredentials } from './addPassword';

export async function compensate(run: RotationRun): Promise<void> {
  const removed = await removeOwnCredentials(run, 'compensation');
  run.dropSecret();
  await run.audit('compensate', 'failure', { removedCredentials: removed, reason: run.rotation.reason ?? null });
  await run.save({ state: 'failed' });
}
