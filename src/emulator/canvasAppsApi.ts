/**
 * The Power Apps admin list of an environment's canvas apps (Get-AdminPowerApp): every app, whoever owns it, with
 * `nextLink` paging; Power Platform admins only (403 otherwise, like the admin connection list). Each app's
 * `connectionReferences` names connectors, never connections, as the recorded answer in routeSources.ts does; a
 * solution-aware app's entry also carries the Dataverse connection reference it binds (`connectionReferenceLogicalName`:
 * our reading of the documented model, in no recorded answer).
 *
 * One app (`GET .../apps/{app}`, Get-AdminPowerApp -AppName) and its owner change (`POST .../apps/{app}/modifyAppOwner`,
 * Set-AdminPowerAppOwner / `m365 pa app owner set`): `{"newAppOwner":"<Entra object id>","roleForOldAppOwner":
 * "CanView"|"CanEdit"}`; without `roleForOldAppOwner` the previous owner loses access (CLI docs). The whole body is
 * checked before anything changes; the same call again changes nothing more. Refusals: not an admin 403, unknown
 * environment or app 404, a body that is not an object, a new owner that is not a user of the directory or a role
 * other than CanView/CanEdit 400 (the codes are ours: the service's are in no recorded answer).
 */
import { findEnvironment } from './connectionModel';
import type { EmulatorCore } from './core';
import { apiError, jsonBody, ok, type Reply, type RequestContext } from './http';
import { pageOf } from './paging';
import { requireAdmin } from './powerAppsApi';
import { route, type Route } from './route';
import type { EmuCanvasApp } from './tenantState';

const ADMIN = '/powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env';
const PAGE = 100;

export function canvasAppsRoutes(): Route[] {
  return [
    route('powerApps', 'listCanvasApps', 'GET', `${ADMIN}/apps`, adminListApps),
    route('powerApps', 'getCanvasApp', 'GET', `${ADMIN}/apps/:app`, adminGetApp),
    route('powerApps', 'setCanvasAppOwner', 'POST', `${ADMIN}/apps/:app/modifyAppOwner`, adminModifyAppOwner),
  ];
}

const OLD_OWNER_ROLES = ['CanView', 'CanEdit'] as const;

function findApp(core: EmulatorCore, environmentName: string, appName: string): EmuCanvasApp {
  const env = findEnvironment(core, environmentName);
  const app = (core.state.index.canvasAppsByEnv.get(env.name) ?? []).find(
    (a) => a.name.toLowerCase() === appName.toLowerCase(),
  );
  if (!app) {
    throw apiError(404, 'AppNotFound', `The app '${appName}' could not be found in the environment '${env.name}'.`);
  }
  return app;
}

function adminGetApp(ctx: RequestContext, core: EmulatorCore): Reply {
  requireAdmin(core, ctx.caller, 'Microsoft.PowerApps/scopes/admin/environments/apps/read');
  return ok(appView(core, findApp(core, ctx.params.env, ctx.params.app)));
}

function adminModifyAppOwner(ctx: RequestContext, core: EmulatorCore): Reply {
  requireAdmin(core, ctx.caller, 'Microsoft.PowerApps/scopes/admin/environments/apps/modifyAppOwner/action');
  const app = findApp(core, ctx.params.env, ctx.params.app);
  const body = jsonBody(ctx);
  const newOwner = typeof body.newAppOwner === 'string' ? body.newAppOwner.trim().toLowerCase() : '';
  if (!newOwner) throw apiError(400, 'InvalidRequestContent', '"newAppOwner" must be the object id of a user.');
  if (!core.state.index.usersById.has(newOwner)) {
    throw apiError(400, 'UserNotFound', `The specified user with user id ${newOwner} does not exist.`);
  }
  let oldOwnerRole: (typeof OLD_OWNER_ROLES)[number] | undefined;
  if (body.roleForOldAppOwner !== undefined && body.roleForOldAppOwner !== null) {
    oldOwnerRole = OLD_OWNER_ROLES.find((r) => r.toLowerCase() === String(body.roleForOldAppOwner).toLowerCase());
    if (!oldOwnerRole) {
      throw apiError(
        400,
        'InvalidRequestContent',
        `The role '${String(body.roleForOldAppOwner)}' is not valid for the previous owner; use CanView or CanEdit.`,
      );
    }
  }
  const previous = app.ownerId.toLowerCase();
  if (previous === newOwner) return ok({});
  const others = (app.permissions ?? []).filter(
    (p) => p.principalId.toLowerCase() !== newOwner && p.principalId.toLowerCase() !== previous,
  );
  app.permissions = oldOwnerRole ? [...others, { principalId: app.ownerId, roleName: oldOwnerRole }] : others;
  app.ownerId = newOwner;
  return ok({});
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

/** An app's owner and who else may use it, as the emulator holds them (tests read it through the control surface). */
export interface CanvasAppSnapshot {
  ownerId: string;
  permissions: { principalId: string; roleName: string }[];
}

export function canvasAppSnapshot(
  core: EmulatorCore,
  environmentId: string,
  appName: string,
): CanvasAppSnapshot | undefined {
  const app = (core.state.index.canvasAppsByEnv.get(environmentId) ?? []).find(
    (a) => a.name.toLowerCase() === appName.toLowerCase(),
  );
  return app && { ownerId: app.ownerId, permissions: (app.permissions ?? []).map((p) => ({ ...p })) };
}
