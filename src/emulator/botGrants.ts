/**
 * The demo tenant as docs/deployment.md asks an admin to set it up: every service-principal connection is shared
 * with the bot's identity as CanEdit, because the Power Platform API lets only a connection's owner or a CanEdit
 * grantee update it, and the rotation switches these connections to the new secret with such an update. Kept out
 * of the named fixture so the fixture stays the tenant as its makers left it.
 */
import type { TenantState } from './tenantState';

export function shareServicePrincipalConnectionsWithBot(state: TenantState, botAppId: string): TenantState {
  const bot = state.index.appsByAppId.get(botAppId);
  if (!bot) return state;
  for (const c of state.connections) {
    if (c.auth.kind !== 'servicePrincipal') continue;
    const permissions = (c.permissions ??= []);
    if (permissions.some((p) => p.principalId === bot.servicePrincipalId)) continue;
    permissions.push({ principalId: bot.servicePrincipalId, principalType: 'ServicePrincipal', roleName: 'CanEdit' });
  }
  return state;
}
