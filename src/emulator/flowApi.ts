/**
 * The classic Flow API: maker list (flows the caller owns or co-owns), admin list (v2; admins only), get flow and
 * owners (permissions) on the maker routes (owners and co-owners only, admins included) and on the admin routes
 * (admins only), start and stop. Turning a flow on checks, for a user, that every embedded connection is
 * theirs or shared with them (ConnectionAuthorizationFailed with the service's message otherwise); the admin app
 * passes that check. An unbound solution reference, a connection missing from the environment or a connection in a
 * bad state (Error, ConfigurationNeeded) fails for anyone (codes unconfirmed: ConnectionReferenceNotBound,
 * ConnectionNotFound, InvalidConnection). A solution flow takes the connections its Dataverse references are bound
 * to when it is turned on. Owners change through modifyPermissions (flowPermissions.ts).
 */
import { canUseConnection, connectionStatuses, findEnvironment } from './connectionModel';
import { modifyFlowPermissions } from './flowPermissions';
import type { EmulatorCore } from './core';
import { apiError, ok, type Caller, type Reply, type RequestContext } from './http';
import { pageOf } from './paging';
import { route, type Route } from './route';
import type { EmuConnection, EmuFlow, EmuFlowConnectionReference } from './tenantState';

const BASE = '/flow/providers/Microsoft.ProcessSimple';

export function flowRoutes(): Route[] {
  const one = `${BASE}/environments/:env/flows/:flow`;
  const adminOne = `${BASE}/scopes/admin/environments/:env/flows/:flow`;
  return [
    route('flow', 'listFlows', 'GET', `${BASE}/environments/:env/flows`, listMine),
    route('flow', 'adminListFlows', 'GET', `${BASE}/scopes/admin/environments/:env/v2/flows`, listAdmin),
    route('flow', 'adminListFlows', 'GET', `${BASE}/scopes/admin/environments/:env/flows`, listAdmin),
    route('flow', 'adminGetFlow', 'GET', adminOne, (ctx, core) => {
      requireFlowAdmin(ctx, core, 'read');
      return ok(flowView(core, findFlow(ctx, core)));
    }),
    route('flow', 'adminListFlowOwners', 'GET', `${adminOne}/permissions`, (ctx, core) => {
      requireFlowAdmin(ctx, core, 'permissions/read');
      return ok({ value: ownersView(core, findFlow(ctx, core)) });
    }),
    route('flow', 'adminListFlowRuns', 'GET', `${adminOne}/runs`, (ctx, core) => {
      requireFlowAdmin(ctx, core, 'runs/read');
      return runsReply(ctx, core, findFlow(ctx, core));
    }),
    route('flow', 'adminStartFlow', 'POST', `${adminOne}/start`, (ctx, core) => {
      requireFlowAdmin(ctx, core, 'start/action');
      return start(ctx, core, findFlow(ctx, core));
    }),
    route('flow', 'adminModifyFlowPermissions', 'POST', `${adminOne}/modifyPermissions`, (ctx, core) => {
      requireFlowAdmin(ctx, core, 'modifyPermissions/action');
      modifyFlowPermissions(core, findFlow(ctx, core), ctx.body, { admin: true });
      return { status: 200 };
    }),
    route('flow', 'adminStopFlow', 'POST', `${adminOne}/stop`, (ctx, core) => {
      requireFlowAdmin(ctx, core, 'stop/action');
      setState(core, findFlow(ctx, core), 'Stopped');
      return { status: 200 };
    }),
    route('flow', 'getFlow', 'GET', one, (ctx, core) => ok(flowView(core, accessible(ctx, core)))),
    route('flow', 'listFlowOwners', 'GET', `${one}/permissions`, (ctx, core) => {
      const flow = accessible(ctx, core);
      return ok({ value: ownersView(core, flow) });
    }),
    route('flow', 'listFlowRuns', 'GET', `${one}/runs`, (ctx, core) => runsReply(ctx, core, accessible(ctx, core))),
    route('flow', 'modifyFlowPermissions', 'POST', `${one}/modifyPermissions`, (ctx, core) => {
      modifyFlowPermissions(core, accessible(ctx, core), ctx.body, { admin: false });
      return { status: 200 };
    }),
    route('flow', 'startFlow', 'POST', `${one}/start`, startFlow),
    route('flow', 'stopFlow', 'POST', `${one}/stop`, (ctx, core) => {
      const flow = accessible(ctx, core);
      setState(core, flow, 'Stopped');
      return { status: 200 };
    }),
  ];
}

function isOwner(core: EmulatorCore, flow: EmuFlow, caller: Caller): boolean {
  const groups = core.groupIdsOf(caller.oid);
  // Run-only users (CanView) may run the flow but not read or manage it.
  return flow.owners.some(
    (o) => o.roleName !== 'CanView' && (o.principalId === caller.oid || groups.includes(o.principalId)),
  );
}

function findFlow(ctx: RequestContext, core: EmulatorCore): EmuFlow {
  const env = findEnvironment(core, ctx.params.env);
  const flow = (core.state.index.flowsByEnv.get(env.name) ?? []).find(
    (f) => f.name.toLowerCase() === ctx.params.flow.toLowerCase(),
  );
  if (!flow) throw apiError(404, 'FlowNotFound', `Could not find flow '${ctx.params.flow}'.`);
  return flow;
}

/**
 * The maker routes answer the flow's owners and co-owners only: being an admin does not open them (the admin routes
 * under scopes/admin do that), which is why the bot reads flows through the admin routes.
 */
function accessible(ctx: RequestContext, core: EmulatorCore): EmuFlow {
  const flow = findFlow(ctx, core);
  if (!isOwner(core, flow, ctx.caller)) {
    throw apiError(
      403,
      'Forbidden',
      `The caller with object id '${ctx.caller.oid}' does not have permission for flow '${flow.name}'.`,
    );
  }
  return flow;
}

function list(ctx: RequestContext, core: EmulatorCore, flows: EmuFlow[], admin = false): Reply {
  const top = Number(ctx.query.get('$top') ?? 50);
  const { page, nextLink } = pageOf(flows, ctx.url, Number.isInteger(top) && top > 0 ? Math.min(top, 250) : 50);
  const faults = core.faults.settingsFor('flow', admin ? 'adminListFlows' : 'listFlows');
  const bare = faults.withoutConnectionReferences !== undefined && Math.random() < faults.withoutConnectionReferences;
  const value = page.map((f) => {
    const view = flowView(core, f);
    // Whether the list's items carry connectionReferences is unconfirmed: this fault leaves them out.
    if (bare) delete (view.properties as Record<string, unknown>).connectionReferences;
    return view;
  });
  const link = nextLink && admin ? regionalLink(core, nextLink, faults.regionalNextLink) : nextLink;
  return ok({ value, ...(link ? { nextLink: link } : {}) });
}

/**
 * The admin list's next link may point at the service's regional host (https://<region>.api.flow.microsoft.com:<port>/…).
 * On loopback the region is an alias of this server: `localhost`, which resolves to the loopback address and is
 * in the certificate; the clients accept it because the emulator announces it as one of the API's own hosts.
 */
function regionalLink(core: EmulatorCore, link: string, rate: number | undefined): string {
  if (rate === undefined || Math.random() >= rate) return link;
  const url = new URL(link);
  url.hostname = REGIONAL_ALIAS;
  return url.toString();
}

/** The host name the emulator's regional next links use (see EmulatorInfo.regionalHosts). */
export const REGIONAL_ALIAS = 'localhost';

function listMine(ctx: RequestContext, core: EmulatorCore): Reply {
  const env = findEnvironment(core, ctx.params.env);
  const flows = core.state.index.flowsByEnv.get(env.name) ?? [];
  return list(
    ctx,
    core,
    flows.filter((f) => isOwner(core, f, ctx.caller)),
  );
}

function requireFlowAdmin(ctx: RequestContext, core: EmulatorCore, action: string): void {
  if (!core.isPowerPlatformAdmin(ctx.caller)) {
    throw apiError(
      403,
      'Forbidden',
      `The caller with object id '${ctx.caller.oid}' does not have permission for action 'Microsoft.ProcessSimple/scopes/admin/environments/flows/${action}'.`,
    );
  }
}

function listAdmin(ctx: RequestContext, core: EmulatorCore): Reply {
  requireFlowAdmin(ctx, core, 'read');
  const env = findEnvironment(core, ctx.params.env);
  return list(ctx, core, core.state.index.flowsByEnv.get(env.name) ?? [], true);
}

function flowView(core: EmulatorCore, f: EmuFlow): Record<string, unknown> {
  const connectionReferences: Record<string, unknown> = {};
  for (const [key, r] of Object.entries(f.connectionReferences)) {
    connectionReferences[key] = {
      connectionName: r.connectionName ?? '',
      source: r.source,
      id: `/providers/Microsoft.PowerApps/apis/${r.connector}`,
      displayName: r.connectorDisplayName,
      iconUri: `https://connectoricons-prod.azureedge.net/${r.connector}/icon.png`,
      tier: 'NotSpecified',
      ...(r.connectionReferenceLogicalName ? { connectionReferenceLogicalName: r.connectionReferenceLogicalName } : {}),
    };
  }
  return {
    name: f.name,
    id: `/providers/Microsoft.ProcessSimple/environments/${f.environmentId}/flows/${f.name}`,
    type: 'Microsoft.ProcessSimple/environments/flows',
    properties: {
      apiId: '/providers/Microsoft.PowerApps/apis/shared_logicflows',
      displayName: f.displayName,
      userType: 'Owner',
      state: f.state,
      createdTime: f.createdTime,
      lastModifiedTime: f.lastModifiedTime,
      flowSuspensionReason: 'None',
      environment: {
        name: f.environmentId,
        type: 'Microsoft.ProcessSimple/environments',
        id: `/providers/Microsoft.ProcessSimple/environments/${f.environmentId}`,
      },
      creator: { tenantId: core.tenantId, objectId: f.creatorId, userId: f.creatorId, userType: 'ActiveDirectory' },
      connectionReferences,
      ...(f.workflowId ? { workflowEntityId: f.workflowId } : {}),
      // The emulator's view of the connections the flow itself may use (granted when it was turned on by someone
      // who may use them). The real service shows these on each connection's "Flows using this connection" tab;
      // the Flow API field is ours, so on a real tenant it is absent and the bot says it cannot tell.
      connectionGrants: (f.connectionGrants ?? []).map((g) => ({ connectionName: g.connectionName })),
      definitionSummary: { triggers: [], actions: [] },
    },
  };
}

/** Runs kept in the run history (28 days), newest first, 50 a page as the portal's "get more runs" shows. */
const RUN_HISTORY_MS = 28 * 86_400_000;

function runsReply(ctx: RequestContext, core: EmulatorCore, f: EmuFlow): Reply {
  const since = core.now().getTime() - RUN_HISTORY_MS;
  const runs = (f.runs ?? [])
    .filter((r) => Date.parse(r.startTime) >= since)
    .sort((a, b) => b.startTime.localeCompare(a.startTime));
  const { page, nextLink } = pageOf(runs, ctx.url, 50);
  const value = page.map((r) => ({
    name: r.name,
    id: `/providers/Microsoft.ProcessSimple/environments/${f.environmentId}/flows/${f.name}/runs/${r.name}`,
    type: 'Microsoft.ProcessSimple/environments/flows/runs',
    properties: {
      startTime: r.startTime,
      ...(r.endTime ? { endTime: r.endTime } : {}),
      status: r.status,
      ...(r.code ? { code: r.code, error: { code: r.code, message: `The run failed: ${r.code}.` } } : {}),
      correlation: { clientTrackingId: r.name },
      trigger: { name: 'manual', startTime: r.startTime, status: 'Succeeded' },
    },
  }));
  return ok({ value, ...(nextLink ? { nextLink } : {}) });
}

function ownersView(core: EmulatorCore, f: EmuFlow): Record<string, unknown>[] {
  return f.owners.map((o) => {
    const user = core.state.index.usersById.get(o.principalId);
    return {
      name: o.principalId,
      id: `/providers/Microsoft.ProcessSimple/environments/${f.environmentId}/flows/${f.name}/permissions/${o.principalId}`,
      type: 'Microsoft.ProcessSimple/environments/flows/permissions',
      properties: {
        roleName: o.roleName,
        permissionType: 'Principal',
        principal: {
          id: o.principalId,
          type: o.principalType,
          tenantId: core.tenantId,
          ...(user
            ? { displayName: user.displayName, email: user.mail, userPrincipalName: user.userPrincipalName }
            : {}),
        },
      },
    };
  });
}

function startFlow(ctx: RequestContext, core: EmulatorCore): Reply {
  return start(ctx, core, accessible(ctx, core));
}

function start(ctx: RequestContext, core: EmulatorCore, flow: EmuFlow): Reply {
  const connections = core.state.index.connectionsByEnv.get(flow.environmentId) ?? [];
  // A solution flow takes its connections from its connection references as they are bound when it is turned on:
  // a reference re-bound while the flow runs reaches it at its next start (hence "turn it off and on").
  const bindings = new Map<string, string | undefined>();
  for (const [key, r] of Object.entries(flow.connectionReferences)) {
    if (r.source === 'Invoker') continue;
    const connectionName =
      flow.workflowId && r.connectionReferenceLogicalName ? boundConnection(core, flow, r) : r.connectionName;
    bindings.set(key, connectionName);
    if (!connectionName) {
      throw apiError(
        400,
        'ConnectionReferenceNotBound',
        `The connection reference '${r.connectionReferenceLogicalName ?? r.connector}' is not bound to a connection. Set a connection on it before turning on this flow.`,
      );
    }
    const connection = connections.find((c) => c.name === connectionName);
    if (!connection) {
      throw apiError(
        400,
        'ConnectionNotFound',
        `The API connection '${connectionName}' to '${r.connector}' was not found in environment '${flow.environmentId}'.`,
      );
    }
    // "Invalid connection": a connection in a bad state (Error, ConfigurationNeeded) cannot activate a flow, whoever
    // turns it on (connection references FAQ). The code is ours: the service's is unconfirmed.
    const status = connectionStatuses(core, connection)[0];
    if (status && status.status !== 'Connected') {
      throw apiError(
        400,
        'InvalidConnection',
        `The API connection '${connection.name}' to '${r.connector}' is in state '${status.status}'${status.error ? ` (${status.error.message})` : ''}: fix or replace the connection before turning on this flow.`,
      );
    }
    if (
      !ctx.caller.isTenantAdmin &&
      !canUseConnection(core, connection, ctx.caller.oid) &&
      !granted(flow, connection)
    ) {
      throw apiError(
        403,
        'ConnectionAuthorizationFailed',
        `The caller object id is '${ctx.caller.oid}'. Connection '${connection.name}' to '${r.connector}' cannot be used to activate this flow, either because this is not a valid connection or because it is not a connection you have access permission for. Either replace the connection with a valid connection you can access or have the connection owner activate the flow, so the connection is shared with you in the context of this flow.`,
      );
    }
  }
  for (const [key, connectionName] of bindings) flow.connectionReferences[key].connectionName = connectionName;
  grantConnections(core, flow, ctx.caller.oid, ctx.caller.isTenantAdmin);
  setState(core, flow, 'Started');
  return { status: 200 };
}

/** The connection a solution flow's Dataverse connection reference is bound to now (undefined when unbound). */
function boundConnection(core: EmulatorCore, flow: EmuFlow, r: EmuFlowConnectionReference): string | undefined {
  const org = core.state.environments.find((e) => e.name === flow.environmentId)?.dataverse;
  const row = org?.connectionReferences.find(
    (c) => c.connectionreferencelogicalname.toLowerCase() === r.connectionReferenceLogicalName!.toLowerCase(),
  );
  return row?.connectionid ?? undefined;
}

function granted(flow: EmuFlow, connection: EmuConnection): boolean {
  return (flow.connectionGrants ?? []).some((g) => g.connectionName.toLowerCase() === connection.name.toLowerCase());
}

/**
 * "Once the flow has been turned on by the owner of the connections, then the flow has permissions to use those
 * connections. From that point on, any co-owner of the flow can turn on the flow." A start by someone who may use a
 * connection grants it to the flow; the admin app's start (which skips the check) grants nothing.
 */
function grantConnections(core: EmulatorCore, flow: EmuFlow, callerId: string, isAdmin: boolean): void {
  if (isAdmin) return;
  const connections = core.state.index.connectionsByEnv.get(flow.environmentId) ?? [];
  for (const r of Object.values(flow.connectionReferences)) {
    const connection = r.source === 'Embedded' ? connections.find((c) => c.name === r.connectionName) : undefined;
    if (!connection || granted(flow, connection) || !canUseConnection(core, connection, callerId)) continue;
    (flow.connectionGrants ??= []).push({
      connectionName: connection.name,
      grantedBy: callerId,
      grantedTime: core.now().toISOString(),
    });
  }
}

/** A solution flow's state is also its Dataverse workflow's statecode. */
function setState(core: EmulatorCore, flow: EmuFlow, state: 'Started' | 'Stopped'): void {
  flow.state = state;
  flow.lastModifiedTime = core.now().toISOString();
  if (!flow.workflowId) return;
  const env = core.state.environments.find((e) => e.name === flow.environmentId);
  const row = env?.dataverse.workflows.find((w) => w.workflowid === flow.workflowId);
  if (row) row.statecode = state === 'Started' ? 1 : 0;
}
