/**
 * BAP (environments) and the classic Power Apps API: the admin routes (every connection of an environment, or of
 * one of its connectors, with `nextLink` paging, permissions, modifyPermissions; Power Platform admins only, others
 * get 403) and the maker routes (the connections the caller owns or was shared, admins included,
 * `$filter=environment eq '…'`).
 */
import {
  canUseConnection,
  connectionView,
  findConnection,
  findEnvironment,
  modifyPermissions,
  permissionsView,
} from './connectionModel';
import type { EmulatorCore } from './core';
import { apiError, ok, type Caller, type Reply, type RequestContext } from './http';
import { parseEqFilter } from './odataFilter';
import { pageOf } from './paging';
import { route, type Route } from './route';
import type { EmuConnection } from './tenantState';

const BAP = '/bap/providers/Microsoft.BusinessAppPlatform';
const ADMIN = '/powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env';
const MAKER = '/powerapps/providers/Microsoft.PowerApps';
const PAGE = 100;

export function powerAppsRoutes(): Route[] {
  return [
    route('bap', 'listEnvironments', 'GET', `${BAP}/scopes/admin/environments`, (ctx, core) =>
      listEnvironments(ctx, core, true),
    ),
    route('bap', 'listEnvironments', 'GET', `${BAP}/environments`, (ctx, core) => listEnvironments(ctx, core, false)),
    route('powerApps', 'listConnections', 'GET', `${ADMIN}/connections`, adminListConnections),
    // One connector's connections (Get-AdminPowerAppConnection -ConnectorName): how the bot reads one connection as
    // an admin. There is no documented admin GET of a single connection.
    route('powerApps', 'listConnectorConnections', 'GET', `${ADMIN}/apis/:connector/connections`, (ctx, core) => {
      requireAdmin(core, ctx.caller, 'Microsoft.PowerApps/scopes/admin/environments/connections/read');
      const env = findEnvironment(core, ctx.params.env);
      const connector = ctx.params.connector.toLowerCase();
      return listReply(
        ctx,
        core,
        (core.state.index.connectionsByEnv.get(env.name) ?? []).filter((c) => c.connector.toLowerCase() === connector),
        'listConnectorConnections',
      );
    }),
    route(
      'powerApps',
      'listPermissions',
      'GET',
      `${ADMIN}/apis/:connector/connections/:name/permissions`,
      (ctx, core) => {
        requireAdmin(core, ctx.caller, 'Microsoft.PowerApps/scopes/admin/environments/connections/permissions/read');
        const c = findConnection(
          core,
          findEnvironment(core, ctx.params.env).name,
          ctx.params.connector,
          ctx.params.name,
        );
        return ok({ value: permissionsView(core, c) });
      },
    ),
    route(
      'powerApps',
      'modifyPermissions',
      'POST',
      `${ADMIN}/apis/:connector/connections/:name/modifyPermissions`,
      (ctx, core) => {
        requireAdmin(
          core,
          ctx.caller,
          'Microsoft.PowerApps/scopes/admin/environments/connections/modifyPermissions/action',
        );
        const c = findConnection(
          core,
          findEnvironment(core, ctx.params.env).name,
          ctx.params.connector,
          ctx.params.name,
        );
        modifyPermissions(core, c, ctx.body);
        return ok({});
      },
    ),
    route('powerApps', 'listMyConnections', 'GET', `${MAKER}/apis/:connector/connections`, (ctx, core) =>
      makerList(ctx, core, ctx.params.connector),
    ),
    route('powerApps', 'listMyConnections', 'GET', `${MAKER}/connections`, (ctx, core) => makerList(ctx, core)),
  ];
}

export function requireAdmin(core: EmulatorCore, caller: Caller, action: string): void {
  if (!core.isPowerPlatformAdmin(caller)) {
    throw apiError(
      403,
      'Forbidden',
      `The caller with object id '${caller.oid}' does not have permission for action '${action}'.`,
    );
  }
}

function listEnvironments(ctx: RequestContext, core: EmulatorCore, admin: boolean): Reply {
  if (admin) requireAdmin(core, ctx.caller, 'Microsoft.BusinessAppPlatform/scopes/admin/environments/read');
  const value = core.state.environments.map((e) => ({
    id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${e.name}`,
    type: 'Microsoft.BusinessAppPlatform/scopes/environments',
    location: 'europe',
    name: e.name,
    properties: {
      tenantId: core.tenantId,
      azureRegion: 'westeurope',
      displayName: e.displayName,
      createdTime: '2023-01-10T09:00:00Z',
      isDefault: e.isDefault,
      environmentSku: e.sku,
      provisioningState: 'Succeeded',
      linkedEnvironmentMetadata: {
        type: 'Dynamics365Instance',
        resourceId: e.name,
        friendlyName: e.displayName,
        uniqueName: e.dataverse.orgName,
        domainName: e.dataverse.orgName,
        version: '9.2.24104.00000',
        instanceUrl: `${core.urls.dataverseBase}/${e.dataverse.orgName}/`,
        instanceApiUrl: `${core.urls.dataverseBase}/${e.dataverse.orgName}/api/data/v9.2`,
        instanceState: 'Ready',
      },
    },
  }));
  return ok({ value });
}

function adminListConnections(ctx: RequestContext, core: EmulatorCore): Reply {
  requireAdmin(core, ctx.caller, 'Microsoft.PowerApps/scopes/admin/environments/connections/read');
  const env = findEnvironment(core, ctx.params.env);
  return listReply(ctx, core, core.state.index.connectionsByEnv.get(env.name) ?? []);
}

function listReply(
  ctx: RequestContext,
  core: EmulatorCore,
  rows: EmuConnection[],
  routeName = 'listConnections',
): Reply {
  const top = Number(ctx.query.get('$top') ?? PAGE);
  const { page, nextLink } = pageOf(rows, ctx.url, Number.isInteger(top) && top > 0 ? Math.min(top, 1000) : PAGE);
  const rate = core.faults.settingsFor('powerApps', routeName).emptyParameterValues;
  const value = page.map((c) => {
    const view = connectionView(core, c);
    // Whether the admin list carries a parameter set's values is unconfirmed (a public recording of the list shows
    // `{"name":"firstParty","values":{}}`): this fault sends them empty.
    const set = (view.properties as { connectionParametersSet?: { values?: unknown } }).connectionParametersSet;
    if (set && rate !== undefined && Math.random() < rate) set.values = {};
    return view;
  });
  return ok({ value, ...(nextLink ? { nextLink } : {}) });
}

function makerList(ctx: RequestContext, core: EmulatorCore, connector?: string): Reply {
  const clauses = parseEqFilter(ctx.query.get('$filter'));
  const envName = clauses?.find((c) => c.field === 'environment')?.value;
  if (typeof envName !== 'string')
    throw apiError(400, 'MissingEnvironmentFilter', "The $filter must name the environment: environment eq '<name>'.");
  const env = findEnvironment(core, envName);
  const rows = (core.state.index.connectionsByEnv.get(env.name) ?? []).filter(
    (c) =>
      // A maker route: the caller's own and shared connections, admins included (they use the admin routes).
      (!connector || c.connector.toLowerCase() === connector.toLowerCase()) &&
      canUseConnection(core, c, ctx.caller.oid),
  );
  return listReply(ctx, core, rows, 'listMyConnections');
}
