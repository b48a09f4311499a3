/**
 * Binds the approvals' operations seam to src/operations: shareConnection, and the rotation saga
 * (createRotation / advanceRotation), whose state is translated into the plain words the cards show.
 */
import { shareConnection } from '../operations/shareConnection';
import {
  advanceRotation,
  createRotation,
  reopenRotation,
  type Rotation,
  type RotationOptions,
} from '../operations/rotation';
import type { ApprovalOperations, RotationProgress } from './operationsPort';

function progressOf(rotation: Rotation): RotationProgress {
  const r = rotation as Rotation & { notBefore?: string; reason?: string; failureReason?: string };
  const reason = r.reason ?? r.failureReason ?? '';
  switch (rotation.state) {
    case 'done':
      return {
        id: rotation.id,
        state: 'done',
        summary:
          'The new secret is in Key Vault, verified, and in use by every connection of this app; the old secret was removed.',
      };
    case 'waiting':
      return {
        id: rotation.id,
        state: 'waiting',
        notBefore: r.notBefore,
        summary: `The new secret is in Key Vault, verified, and in use by every connection of this app; the old secret will be removed after ${r.notBefore ?? 'the grace period'}.`,
      };
    case 'failed':
      return {
        id: rotation.id,
        state: 'failed',
        summary: `The rotation failed and the old secret was kept. ${reason}`.trim(),
      };
    case 'needsAttention':
      return {
        id: rotation.id,
        state: 'needsAttention',
        summary: `The rotation needs attention: both secrets were kept. ${reason}`.trim(),
      };
    default:
      return { id: rotation.id, state: 'running', summary: 'The rotation is in progress.' };
  }
}

/** The operations with the saga tuned (tests shorten its lease so a killed process's rotation is taken over soon). */
export function defaultOperationsWith(rotation?: RotationOptions): ApprovalOperations {
  return {
    share: (ctx, input) => shareConnection(ctx, input),
    createRotation: (ctx, input) => createRotation(ctx, input),
    advanceRotation: async (ctx, rotationId) => progressOf(await advanceRotation(ctx, rotationId, rotation)),
    reopenRotation: async (ctx, rotationId, by) => (await reopenRotation(ctx, rotationId, by)) !== undefined,
  };
}

export const defaultOperations: ApprovalOperations = defaultOperationsWith();
