/**
 * Microsoft Graph v1.0, the directory part the bot uses: applications (list with $select/$top/$filter and
 * @odata.nextLink, get, owners, addPassword, removePassword), servicePrincipals, users and groups with members, and
 * JSON batching of these reads ($batch, see graphBatch.ts), and a user's manager (404 when the directory has none).
 * Authorization: the demo bot's app holds application permissions; other apps get 403 Authorization_RequestDenied;
 * users may read the directory and change credentials only of applications they own.
 * Throttle cost in resource units: GET applications 2, 1 with $select; others 1.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorCore } from './core';
import { newPasswordCredential, newSecretText } from './credentialMaterial';
import { apiError, ok, type Caller, type Reply, type RequestContext } from './http';
import { matchesAll, parseEqFilter } from './odataFilter';
import { graphBatchRoute } from './graphBatch';
import { pageOf } from './paging';
import { route, type Route } from './route';
import type { EmuApplication, EmuUser } from './tenantState';

const BASE = '/graph/v1.0';
const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata';
const TWO_YEARS_MS = 2 * 365 * 86_400_000;

export function graphRoutes(): Route[] {
  const listCost = (ctx: RequestContext) => (ctx.query.has('$select') ? 1 : 2);
  const routes = [
    route('graph', 'listApplications', 'GET', `${BASE}/applications`, listApplications, { cost: listCost }),
    route('graph', 'getApplication', 'GET', `${BASE}/applications/:id`, getApplication),
    route('graph', 'listApplicationOwners', 'GET', `${BASE}/applications/:id/owners`, listOwners),
    route('graph', 'addPassword', 'POST', `${BASE}/applications/:id/addPassword`, addPassword),
    route('graph', 'removePassword', 'POST', `${BASE}/applications/:id/removePassword`, removePassword),
    route('graph', 'listServicePrincipals', 'GET', `${BASE}/servicePrincipals`, listServicePrincipals),
    route('graph', 'listUsers', 'GET', `${BASE}/users`, listUsers),
    route('graph', 'getUser', 'GET', `${BASE}/users/:id`, getUser),
    route('graph', 'getManager', 'GET', `${BASE}/users/:id/manager`, getManager),
    route('graph', 'listGroups', 'GET', `${BASE}/groups`, listGroups),
    route('graph', 'listGroupMembers', 'GET', `${BASE}/groups/:id/members`, listMembers),
    route('graph', 'listGroupMembers', 'GET', `${BASE}/groups/:id/transitiveMembers`, listMembers),
  ];
  return [...routes, graphBatchRoute(BASE, routes, graphError)];
}

export function graphError(status: number, code: string, message: string): Error {
  return apiError(status, code, message, {
    innerError: {
      date: new Date().toISOString().slice(0, 19),
      'request-id': randomUUID(),
      'client-request-id': randomUUID(),
    },
  });
}

function notFound(id: string): Error {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function denied(): Error {
  return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/** Apps need the directory permissions (only the bot's app has them); users can read the directory. */
function requireRead(caller: Caller): void {
  if (caller.kind === 'app' && !caller.isTenantAdmin) throw denied();
}

function requireAppWrite(caller: Caller, app: EmuApplication): void {
  if (caller.isTenantAdmin) return;
  if (caller.kind === 'user' && app.ownerIds.includes(caller.oid)) return;
  throw denied();
}

function pageSize(ctx: RequestContext): number {
  const top = ctx.query.get('$top');
  if (top === undefined) return 100;
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1 || n > 999) {
    throw graphError(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
    );
  }
  return n;
}

function filterRows<T extends object>(ctx: RequestContext, rows: readonly T[], allowed: string[]): readonly T[] {
  const filter = ctx.query.get('$filter');
  const clauses = parseEqFilter(filter);
  if (!clauses || clauses.some((c) => !allowed.includes(c.field))) {
    throw graphError(400, 'Request_UnsupportedQuery', `Unsupported query: $filter=${filter ?? ''}`);
  }
  return clauses.length ? rows.filter((r) => matchesAll(r as Record<string, unknown>, clauses)) : rows;
}

/** $select keeps the named properties (and the id, as Graph does); without it every default property. */
function select(ctx: RequestContext, row: Record<string, unknown>): Record<string, unknown> {
  const selected = ctx.query.get('$select');
  if (!selected) return row;
  const names = selected.split(',').map((s) => s.trim().toLowerCase());
  return Object.fromEntries(Object.entries(row).filter(([k]) => k === 'id' || names.includes(k.toLowerCase())));
}

/**
 * One page of `rows`, each shown through `view` and $select. Rows are filtered and paged before they are viewed, so
 * a page of 999 out of 20,000 app registrations builds 999 views, not 20,000 (the $filter fields have the same
 * names on the stored rows as on their views).
 */
function list<T extends object>(
  ctx: RequestContext,
  rows: readonly T[],
  context: string,
  view: (row: T) => Record<string, unknown> = (row) => row as Record<string, unknown>,
): Reply {
  const { page, nextLink } = pageOf(rows, ctx.url, pageSize(ctx));
  return ok({
    '@odata.context': `${CONTEXT}#${context}`,
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    value: page.map((r) => select(ctx, view(r))),
  });
}

export function applicationView(app: EmuApplication): Record<string, unknown> {
  return {
    id: app.id,
    appId: app.appId,
    displayName: app.displayName,
    createdDateTime: app.createdDateTime,
    signInAudience: 'AzureADMyOrg',
    passwordCredentials: app.passwordCredentials.map((c) => ({
      customKeyIdentifier: null,
      displayName: c.displayName,
      endDateTime: c.endDateTime,
      hint: c.hint,
      keyId: c.keyId,
      secretText: null,
      startDateTime: c.startDateTime,
    })),
    keyCredentials: app.keyCredentials.map((k) => ({
      customKeyIdentifier: Buffer.from(k.x5t, 'base64url').toString('hex').toUpperCase(),
      displayName: k.displayName,
      endDateTime: k.endDateTime,
      key: null,
      keyId: k.keyId,
      startDateTime: k.startDateTime,
      type: k.type,
      usage: k.usage,
    })),
  };
}

export function userView(user: EmuUser): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.user',
    id: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    accountEnabled: user.accountEnabled,
    userType: user.userType,
  };
}

function findApp(core: EmulatorCore, id: string): EmuApplication {
  const app = core.state.index.appsById.get(id);
  if (!app) throw notFound(id);
  return app;
}

function listApplications(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const rows = filterRows(ctx, core.state.applications, ['appId', 'displayName', 'id']);
  return list(ctx, rows, 'applications', applicationView);
}

function getApplication(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  return ok({
    '@odata.context': `${CONTEXT}#applications/$entity`,
    ...select(ctx, applicationView(findApp(core, ctx.params.id))),
  });
}

function listOwners(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const app = findApp(core, ctx.params.id);
  const owners = app.ownerIds.map((id) => core.state.index.usersById.get(id)).filter((u): u is EmuUser => !!u);
  return list(ctx, owners.map(userView), 'directoryObjects');
}

function addPassword(ctx: RequestContext, core: EmulatorCore): Reply {
  const app = findApp(core, ctx.params.id);
  requireAppWrite(ctx.caller, app);
  const body = (ctx.body ?? {}) as {
    passwordCredential?: { displayName?: unknown; startDateTime?: unknown; endDateTime?: unknown };
  };
  const requested = body.passwordCredential ?? {};
  const start = typeof requested.startDateTime === 'string' ? new Date(requested.startDateTime) : core.now();
  const end =
    typeof requested.endDateTime === 'string'
      ? new Date(requested.endDateTime)
      : new Date(start.getTime() + TWO_YEARS_MS);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
    throw graphError(
      400,
      'Request_BadRequest',
      "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.",
    );
  }
  const secret = newSecretText();
  const credential = newPasswordCredential({
    displayName: typeof requested.displayName === 'string' ? requested.displayName : null,
    start,
    end,
    secret,
    usableFromMs: Date.now() + core.propagationMs(),
  });
  app.passwordCredentials.push(credential);
  core.issued.push(secret);
  return ok({
    '@odata.context': `${CONTEXT}#microsoft.graph.passwordCredential`,
    customKeyIdentifier: null,
    displayName: credential.displayName,
    endDateTime: credential.endDateTime,
    hint: credential.hint,
    keyId: credential.keyId,
    secretText: secret,
    startDateTime: credential.startDateTime,
  });
}

/**
 * An unknown keyId answers 400 (the real service refuses it; its exact code is unconfirmed), so a client
 * that retries a remove it already made sees an error it must treat as "already gone".
 */
function removePassword(ctx: RequestContext, core: EmulatorCore): Reply {
  const app = findApp(core, ctx.params.id);
  requireAppWrite(ctx.caller, app);
  const keyId = (ctx.body as { keyId?: unknown } | undefined)?.keyId;
  const index = app.passwordCredentials.findIndex((c) => c.keyId === keyId);
  if (index < 0) {
    throw graphError(400, 'Request_BadRequest', `No password credential found with keyId '${String(keyId)}'.`);
  }
  app.passwordCredentials.splice(index, 1);
  return { status: 204 };
}

function listServicePrincipals(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const rows = core.state.applications.map((a) => ({
    id: a.servicePrincipalId,
    appId: a.appId,
    displayName: a.displayName,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: core.tenantId,
  }));
  return list(ctx, filterRows(ctx, rows, ['appId', 'displayName', 'id']), 'servicePrincipals');
}

function listUsers(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const rows = filterRows(ctx, core.state.users, [
    'userPrincipalName',
    'displayName',
    'id',
    'mail',
    'userType',
    'accountEnabled',
  ]);
  return list(ctx, rows, 'users', userView);
}

function getUser(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const key = ctx.params.id;
  const user = core.state.index.usersById.get(key) ?? core.state.index.usersByUpn.get(key.toLowerCase());
  if (!user) throw notFound(key);
  return ok({ '@odata.context': `${CONTEXT}#users/$entity`, ...select(ctx, userView(user)) });
}

/**
 * The user's manager as a directoryObject (a user here), or 404 Request_ResourceNotFound naming 'manager' when the
 * directory records none, as Graph answers it (user-list-manager). Read like the other user reads (the bot's app
 * may): whether the real service lets an app read it with User.Read.All is unsure — the v1.0 page's permission
 * table has said "Application: not supported" in some languages, while the beta agentUser page and Microsoft Q&A
 * answers say User.Read.All works.
 */
function getManager(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const key = ctx.params.id;
  const user = core.state.index.usersById.get(key) ?? core.state.index.usersByUpn.get(key.toLowerCase());
  if (!user) throw notFound(key);
  const manager = user.managerId ? core.state.index.usersById.get(user.managerId) : undefined;
  if (!manager) throw notFound('manager');
  return ok({
    '@odata.context': `${CONTEXT}#directoryObjects/$entity`,
    '@odata.type': '#microsoft.graph.user',
    ...select(ctx, userView(manager)),
  });
}

function listGroups(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const rows = core.state.groups.map((g) => ({
    id: g.id,
    displayName: g.displayName,
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
  }));
  return list(ctx, filterRows(ctx, rows, ['displayName', 'id']), 'groups');
}

function listMembers(ctx: RequestContext, core: EmulatorCore): Reply {
  requireRead(ctx.caller);
  const group = core.state.groups.find((g) => g.id === ctx.params.id);
  if (!group) throw notFound(ctx.params.id);
  const members = group.memberIds.map((id) => core.state.index.usersById.get(id)).filter((u): u is EmuUser => !!u);
  return list(ctx, members.map(userView), 'directoryObjects');
}
