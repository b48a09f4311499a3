/**
 * Step: bind one connection reference to a connection (or unbind it with null), and read it back. Safe to run
 * again at any point (after a crash, a 5xx, a lost answer): it reads the reference first and only writes when the
 * binding differs, and the write itself is idempotent (PATCH with If-Match: *).
 *
 * Flows that are on keep using the old connection until they are turned off and on (restartFlow.ts).
 * A target connection that is not Connected is refused before the write (connectionReady.ts).
 * Throws the tenant's error: isPermanentFailure (permanentFailure.ts) tells a refusal from a passing failure.
 */
import type { DomainContext } from '../../../context';
import { TenantApiError } from '../../../tenant/errors';
import type { ConnectionReference, Environment } from '../../../tenant/model';
import { requireReady } from './connectionReady';

export interface BindReferenceResult {
  /** The connection the reference named before this call (null when unbound); equals `to` on a repeated call. */
  before: string | null;
  /** The connection it names now, read back after the write. */
  after: string | null;
}

const same = (a: string | null, b: string | null): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export async function bindReference(
  ctx: DomainContext,
  environment: Environment,
  referenceId: string,
  to: string | null,
): Promise<BindReferenceResult> {
  const read = async (): Promise<ConnectionReference> => {
    const reference = await ctx.tenant.dataverse.getConnectionReference(environment, referenceId);
    if (!reference) {
      throw new TenantApiError({
        message: `The connection reference ${referenceId} no longer exists in ${environment.displayName}.`,
        code: 'ReferenceNotFound',
        kind: 'notFound',
        api: 'dataverse',
      });
    }
    return reference;
  };
  const found = await read();
  const before = found.connectionName ?? null;
  if (!same(before, to)) {
    // A connection in error would leave every flow turned off and on onto it off: refused before the write.
    if (to) await requireReady(ctx, environment.id, found.connectorId, to);
    await ctx.tenant.dataverse.bindConnectionReference(environment, referenceId, to);
  }
  const after = (await read()).connectionName ?? null;
  if (!same(after, to)) {
    // The service accepted the write but the reference says otherwise (someone changed it meanwhile): let the
    // job run the step again rather than report a binding that is not there.
    throw new TenantApiError({
      message: `The connection reference ${referenceId} still names ${after ?? 'no connection'} after binding it.`,
      code: 'BindingNotApplied',
      kind: 'unavailable',
      api: 'dataverse',
    });
  }
  return { before, after };
}
