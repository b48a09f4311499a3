/**
 * Records a new rotation saga for an approved request. Idempotent per approval: the rotation id is derived from
 * the approval id, and the record is written only if absent, so a retried job gets the same rotation back.
 */
import type { DomainContext } from '../../context';
import { BotError } from '../../tenant/errors';
import type { Rotation } from './rotation';
import { ROTATIONS, insertRotation, loadRotation } from './rotationRepository';
import { rotationIdFor, vaultSecretName } from './rotationNames';

export interface CreateRotationInput {
  appObjectId: string;
  /** Entra object id of the requester (audited as the actor of the rotation's creation). */
  requestedBy: string;
  approvalId: string;
}

export class RotationMismatchError extends BotError {
  constructor(approvalId: string) {
    super(
      'rotation.mismatch',
      `Approval ${approvalId} already started a rotation of another app; a new approval is needed for this one.`,
    );
    this.name = 'RotationMismatchError';
  }
}

export async function createRotation(ctx: DomainContext, input: CreateRotationInput): Promise<Rotation> {
  const id = rotationIdFor(input.approvalId);
  const existing = await loadRotation(ctx.store.records, id);
  if (existing) return sameApp(existing.value, input);

  const app = await ctx.tenant.directory.getApplication(input.appObjectId);
  const now = ctx.clock.now().toISOString();
  const rotation: Rotation = {
    id,
    approvalId: input.approvalId,
    requestedBy: input.requestedBy,
    appObjectId: app.id,
    appId: app.appId,
    appDisplayName: app.displayName,
    state: 'created',
    createdAt: now,
    updatedAt: now,
    removedOldKeyIds: [],
    attempt: 0,
    vaultSecretName: vaultSecretName(app.appId),
  };
  const stored = await insertRotation(ctx.store.records, rotation);
  if (stored === rotation) {
    await ctx.store.audit.append({
      actor: input.requestedBy,
      action: 'rotation.created',
      subject: app.displayName,
      outcome: 'info',
      correlationId: id,
      details: { approvalId: input.approvalId, appId: app.appId, collection: ROTATIONS },
    });
  }
  return sameApp(stored, input);
}

function sameApp(rotation: Rotation, input: CreateRotationInput): Rotation {
  if (rotation.appObjectId !== input.appObjectId) throw new RotationMismatchError(input.approvalId);
  return rotation;
}

export async function getRotation(ctx: DomainContext, id: string): Promise<Rotation | undefined> {
  return (await loadRotation(ctx.store.records, id))?.value;
}
