/**
 * The Power Apps admin list of an environment's canvas apps (Get-AdminPowerApp): every app, whoever owns it, with
 * `nextLink` paging; Power Platform admins only (403 otherwise, like the admin connection list). Each app's
 * `connectionReferences` names connectors, never connections, as the recorded answer in routeSources.ts does; a
 * solution-aware app's entry also carries the Dataverse connection reference it binds (`connectionReferenceLogicalName`:
 * our reading of the documented model, in no recorded answer).
 */
import { findEnvironment } from './connectionModel';
import type { EmulatorCore } from './core';
import { ok, type Reply, type RequestContext } from './http';
import { pageOf } from './paging';
import { requireAdmin } from './powerAppsApi';
import { route, type Route } from './route';
import type { EmuCanvasApp } from './tenantState';

const ADMIN = '/powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env';
const PAGE = 100;

export function canvasAppsRoutes(): Route[] {
  return [route('powerApps', 'listCanvasApps', 'GET', `${ADMIN}/apps`, adminListApps)];
}

function adminListApps(ctx: RequestContext, core: EmulatorCore): Reply {
  requireAdmin(core, ctx.caller, 'Microsoft.PowerApps/scopes/admin/environments/apps/read');
  const env = findEnvironment(core, ctx.params.env);
  const apps = core.state.index.canvasAppsByEnv.get(env.name) ?? [];
  // `$top` as the admin connection list takes it (at most 250 a page); without it, pages of PAGE.
  const top = Number(ctx.query.get('$top') ?? PAGE);
  const { page, nextLink } = pageOf(apps, ctx.url, Number.isInteger(top) && top > 0 ? Math.min(top, 250) : PAGE);
  return ok({ value: page.map((a) => appView(core, a)), ...(nextLink ? { nextLink } : {}) });
}

function appView(core: EmulatorCore, app: EmuCanvasApp): Record<string, unknown> {
  const user = core.state.index.usersById.get(app.ownerId);
  const owner = {
    id: app.ownerId,
    displayName: user?.displayName ?? app.ownerId,
    email: user?.mail ?? null,
    type: 'User',
    tenantId: core.tenantId,
    userPrincipalName: user?.userPrincipalName,
  };
  const connectionReferences: Record<string, unknown> = {};
  app.connectors.forEach((c, i) => {
    // Keyed by a GUID in the real answer: the app's own GUID with the entry's position as its last group.
    connectionReferences[`${app.name.slice(0, 24)}${String(i).padStart(12, '0')}`] = {
      id: `/providers/microsoft.powerapps/apis/${c.connector}`,
      displayName: c.connectorDisplayName,
      iconUri: `https://connectoricons-prod.azureedge.net/${c.connector}/icon.png`,
      dataSources: [],
      dependencies: [],
      dependents: [],
      isOnPremiseConnection: false,
      bypassConsent: false,
      dataSets: {},
      apiTier: 'Standard',
      isCustomApiConnection: false,
      ...(c.connectionReferenceLogicalName ? { connectionReferenceLogicalName: c.connectionReferenceLogicalName } : {}),
    };
  });
  const solutionAware = app.connectors.some((c) => c.connectionReferenceLogicalName);
  return {
    name: app.name,
    id: `/providers/Microsoft.PowerApps/apps/${app.name}`,
    type: 'Microsoft.PowerApps/apps',
    properties: {
      appVersion: app.lastModifiedTime,
      displayName: app.displayName,
      owner,
      createdBy: owner,
      lastModifiedBy: owner,
      createdTime: app.createdTime,
      lastModifiedTime: app.lastModifiedTime,
      connectionReferences,
      databaseReferences: {},
      environment: { id: `/providers/Microsoft.PowerApps/environments/${app.environmentId}`, name: app.environmentId },
      almMode: solutionAware ? 'Solution' : 'Environment',
    },
  };
}
