/**
 * The Power Platform API's connectivity routes, served per environment host under
 * `/powerplatform/{environmentHost}`: list, get, PUT (the whole object: a service-principal connection's new
 * `token:clientSecret` is stored and judged against its app's current credentials, so a rotation shows up as
 * Connected, a bad secret as Error), permissions and modifyPermissions. Lists page with `@odata.nextLink`.
 * No admin scope here: reads need the owner or a share, writes the owner or a CanEdit share.
 */
import {
  canEditConnection,
  canUseConnection,
  connectionView,
  environmentHost,
  findConnection,
  modifyPermissions,
  permissionsView,
} from './connectionModel';
import type { EmulatorCore } from './core';
import { apiError, jsonBody, ok, type Caller, type Reply, type RequestContext } from './http';
import { pageOf } from './paging';
import { route, type Route } from './route';
import type { EmuConnection, EmuEnvironment } from './tenantState';

const BASE = '/powerplatform/:host/connectivity';

export function powerPlatformRoutes(): Route[] {
  const one = `${BASE}/connectors/:connector/connections/:name`;
  return [
    route('powerPlatform', 'listConnections', 'GET', `${BASE}/connections`, listConnections),
    route('powerPlatform', 'getConnection', 'GET', one, (ctx, core) => ok(connectionView(core, visible(ctx, core)))),
    route('powerPlatform', 'updateConnection', 'PUT', one, putConnection),
    route('powerPlatform', 'listPermissions', 'GET', `${one}/permissions`, (ctx, core) =>
      ok({ value: permissionsView(core, visible(ctx, core)) }),
    ),
    route('powerPlatform', 'modifyPermissions', 'POST', `${one}/modifyPermissions`, (ctx, core) => {
      const c = manageable(ctx, core);
      modifyPermissions(core, c, ctx.body);
      return ok({});
    }),
  ];
}

function environmentOf(ctx: RequestContext, core: EmulatorCore): EmuEnvironment {
  const host = ctx.params.host.toLowerCase();
  const env = core.state.environments.find((e) => environmentHost(e.name) === host);
  if (!env) throw apiError(404, 'EnvironmentNotFound', `No environment is served at '${ctx.params.host}'.`);
  return env;
}

/**
 * This API has no admin scope: a connection is visible to its owner and those it is shared with, and nobody else,
 * Power Platform admins included (they use the classic admin routes).
 */
function visible(ctx: RequestContext, core: EmulatorCore): EmuConnection {
  const c = findConnection(core, environmentOf(ctx, core).name, ctx.params.connector, ctx.params.name);
  if (!canUseConnection(core, c, ctx.caller.oid)) throw forbidden(ctx.caller, c, 'read');
  return c;
}

/** Updating a connection or its shares: its owner or a CanEdit grantee only. */
function manageable(ctx: RequestContext, core: EmulatorCore): EmuConnection {
  const c = visible(ctx, core);
  if (!canEditConnection(core, c, ctx.caller)) throw forbidden(ctx.caller, c, 'modify');
  return c;
}

function forbidden(caller: Caller, c: EmuConnection, what: 'read' | 'modify'): Error {
  return apiError(
    403,
    'Forbidden',
    `The caller with object id '${caller.oid}' does not have permission to ${what} connection '${c.name}'.`,
  );
}

function listConnections(ctx: RequestContext, core: EmulatorCore): Reply {
  const env = environmentOf(ctx, core);
  const rows = (core.state.index.connectionsByEnv.get(env.name) ?? []).filter((c) =>
    canUseConnection(core, c, ctx.caller.oid),
  );
  const top = Number(ctx.query.get('$top') ?? 100);
  const { page, nextLink } = pageOf(rows, ctx.url, Number.isInteger(top) && top > 0 ? Math.min(top, 1000) : 100);
  return ok({ value: page.map((c) => connectionView(core, c)), ...(nextLink ? { '@odata.nextLink': nextLink } : {}) });
}

function putConnection(ctx: RequestContext, core: EmulatorCore): Reply {
  const c = manageable(ctx, core);
  const body = jsonBody(ctx) as {
    properties?: {
      displayName?: unknown;
      connectionParametersSet?: { name?: unknown; values?: Record<string, { value?: unknown }> };
    };
  };
  const props = body.properties ?? {};
  if (typeof props.displayName === 'string' && props.displayName) c.displayName = props.displayName;
  const set = props.connectionParametersSet;
  if (set) {
    if (c.auth.kind !== 'servicePrincipal' || set.name !== 'oauthSP') {
      throw apiError(
        400,
        'InvalidConnectionParameters',
        `The parameter set '${String(set.name)}' does not apply to connection '${c.name}'.`,
      );
    }
    const value = (key: string) => {
      const v = set.values?.[key]?.value;
      return typeof v === 'string' && v ? v : undefined;
    };
    // A PUT replaces the whole parameter set, and a GET never returns the secret: every parameter of the
    // service-principal set must be sent again (the Terraform provider's oauthSP example sends these four; `token`
    // is the connector's consent redirect URL).
    const missing = ['token', 'token:clientId', 'token:TenantId', 'token:clientSecret'].filter((k) => !value(k));
    if (missing.length) {
      throw apiError(
        400,
        'InvalidConnectionParameters',
        `The connection parameter set 'oauthSP' is missing the parameter(s) ${missing.map((m) => `'${m}'`).join(', ')}.`,
      );
    }
    c.auth = {
      kind: 'servicePrincipal',
      clientId: value('token:clientId')!,
      tenantId: value('token:TenantId')!,
      clientSecret: value('token:clientSecret')!,
    };
  }
  c.lastModifiedTime = core.now().toISOString();
  return ok(connectionView(core, c));
}
