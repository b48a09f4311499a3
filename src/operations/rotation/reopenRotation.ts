/**
 * A rotation that ended in needsAttention (some connections could not be switched to the new secret) is not a
 * dead end: once the cause is fixed, an approver asks for the switch again. Reopening puts the failed connections
 * back to pending and the saga back on step 4, with both secrets still in place; advanceRotation then switches
 * them, and on success goes on as any rotation does (grace period, old secret removed). A rotation that stopped
 * because it found no connection to switch while the app still seemed in use looks for connections again, and
 * takes the approver's click as the confirmation to go on if there are still none. Only a saga whose new secret is
 * stored and verified can be reopened — that is the only way it reaches needsAttention.
 */
import type { DomainContext } from '../../context';
import { VersionConflictError } from '../../store/ports';
import type { Rotation } from './rotation';
import { loadRotation, ROTATIONS } from './rotationRepository';

/** Returns the reopened rotation, or undefined when it is not (or no longer) in needsAttention. */
export async function reopenRotation(
  ctx: DomainContext,
  rotationId: string,
  by: string,
): Promise<Rotation | undefined> {
  for (;;) {
    const stored = await loadRotation(ctx.store.records, rotationId);
    const rotation = stored?.value;
    if (!stored || !rotation || rotation.state !== 'needsAttention' || !rotation.vaultVersion) return undefined;
    const failed = (rotation.connections ?? []).filter((c) => c.outcome === 'failed');
    // Stopped because no connection was found while the app seemed in use: look for connections again, and if
    // there are still none, the approver's click is the confirmation to go on.
    const noneFound = (rotation.connections ?? []).length === 0;
    const next: Rotation = {
      ...rotation,
      state: 'updatingConnections',
      reason: undefined,
      connections: noneFound
        ? undefined
        : (rotation.connections ?? []).map((c) =>
            c.outcome === 'failed' ? { ...c, outcome: 'pending', error: undefined } : c,
          ),
      ...(noneFound ? { noConnectionConfirmedBy: by } : {}),
      updatedAt: ctx.clock.now().toISOString(),
    };
    try {
      await ctx.store.records.put(ROTATIONS, rotationId, next, { ifVersion: stored.version });
    } catch (error) {
      if (error instanceof VersionConflictError) continue; // someone else changed it: look again
      throw error;
    }
    await ctx.store.audit.append({
      actor: by,
      action: 'rotation.reopened',
      subject: rotation.appDisplayName,
      outcome: 'info',
      correlationId: rotationId,
      details: { appId: rotation.appId, connections: failed.map((c) => c.displayName).join(', ') },
    });
    return next;
  }
}
