/**
 * Runs the rotation saga from wherever its record says it stands until it is done, waiting for the grace period,
 * failed or needs attention. Safe to call concurrently and after a crash: a lease `rotation:<id>` keeps a second
 * caller out (it gets the current state back, still in progress), and every write is conditional on the version
 * read, so a runner whose lease expired is stopped at its next write, before its next side effect.
 * Transient errors (tenant unreachable mid-step) are thrown: the saga stays where it was and the job retries.
 */
import { randomUUID } from 'node:crypto';
import type { DomainContext } from '../../context';
import { getLogger } from '../../logging/logger';
import { VersionConflictError } from '../../store/ports';
import { BotError } from '../../tenant/errors';
import { FINAL_STATES, type Rotation, type RotationState } from './rotation';
import { resolveRotationOptions, type RotationOptions } from './rotationOptions';
import { loadRotation } from './rotationRepository';
import { RotationRun, type StepReporter } from './rotationRun';
import { addPassword } from './steps/addPassword';
import { compensate } from './steps/compensate';
import { removeOldSecrets } from './steps/removeOldSecrets';
import { startRotation } from './steps/startRotation';
import { storeSecret } from './steps/storeSecret';
import { updateConnections } from './steps/updateConnections';
import { verifySecret } from './steps/verifySecret';

const log = getLogger('operations.rotation');

type ActiveState = Exclude<RotationState, 'done' | 'failed' | 'needsAttention'>;

const STEPS: Record<ActiveState, (run: RotationRun) => Promise<void>> = {
  created: startRotation,
  addingPassword: addPassword,
  storingSecret: storeSecret,
  verifying: verifySecret,
  compensating: compensate,
  updatingConnections: updateConnections,
  waiting: removeOldSecrets,
};

export class RotationNotFoundError extends BotError {
  constructor(id: string) {
    super('rotation.notFound', `There is no rotation "${id}"; it may never have been created for this approval.`);
    this.name = 'RotationNotFoundError';
  }
}

function isStopped(rotation: Rotation, now: Date): boolean {
  if (FINAL_STATES.includes(rotation.state)) return true;
  return rotation.state === 'waiting' && rotation.notBefore !== undefined && now < new Date(rotation.notBefore);
}

export async function advanceRotation(
  ctx: DomainContext,
  rotationId: string,
  options?: RotationOptions,
  /** Told the saga's step list as it starts (from the recorded step) and after each step's write. */
  reporter?: StepReporter,
): Promise<Rotation> {
  const resolved = resolveRotationOptions(options);
  const initial = await loadRotation(ctx.store.records, rotationId);
  if (!initial) throw new RotationNotFoundError(rotationId);
  if (isStopped(initial.value, ctx.clock.now())) return initial.value;

  const leases = ctx.store.leases;
  let lease = await leases.acquire(`rotation:${rotationId}`, resolved.owner ?? randomUUID(), resolved.leaseTtlMs);
  if (!lease) return initial.value;
  try {
    // Re-read under the lease: the previous holder may have moved the saga on since our first read.
    const current = await loadRotation(ctx.store.records, rotationId);
    if (!current) throw new RotationNotFoundError(rotationId);
    const run = new RotationRun(ctx, resolved, current, reporter);
    // First from the record: a run taken over after a crash shows where the dead one stopped.
    await run.reportSteps();
    while (!isStopped(run.rotation, ctx.clock.now())) {
      const before = run.version;
      await STEPS[run.rotation.state as ActiveState](run);
      if (run.version === before) break;
      lease = await leases.renew(lease, resolved.leaseTtlMs);
      if (!lease) break;
    }
    run.dropSecret();
    return run.rotation;
  } catch (error) {
    if (error instanceof VersionConflictError) {
      log.warn({ rotationId }, 'another runner moved the rotation on; stopping this one');
      const latest = await loadRotation(ctx.store.records, rotationId);
      if (latest) return latest.value;
    }
    throw error;
  } finally {
    if (lease) await leases.release(lease);
  }
}
