/**
 * The environment a step works in, looked up by id: the Dataverse port needs its org URL, which only the
 * environment list carries. Throws notFound when the environment is gone, which no retry will fix.
 */
import type { DomainContext } from '../../../context';
import { TenantApiError } from '../../../tenant/errors';
import type { Environment } from '../../../tenant/model';

export async function environmentOf(ctx: DomainContext, environmentId: string): Promise<Environment> {
  const found = (await ctx.tenant.connections.listEnvironments()).find((e) => e.id === environmentId);
  if (found) return found;
  throw new TenantApiError({
    message: `The environment ${environmentId} no longer exists.`,
    code: 'EnvironmentNotFound',
    kind: 'notFound',
    api: 'bap',
  });
}
