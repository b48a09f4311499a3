/**
 * Connections as the Power Platform services present and judge them, shared by the classic Power Apps admin API
 * and the Power Platform API: the wire object (secrets never returned), the status that follows reality (a
 * service-principal connection is Connected only while its stored secret is one of its app's current, unexpired,
 * propagated secrets), who may use or manage a connection, and modifyPermissions.
 */
import { createHash } from 'node:crypto';
import type { EmulatorCore } from './core';
import { apiError, type Caller } from './http';
import type { EmuConnection, EmuEnvironment, EmuPermission, PrincipalType } from './tenantState';

export interface WireStatus {
  status: 'Connected' | 'Error' | 'ConfigurationNeeded';
  target?: string;
  error?: { code: string; message: string };
}

export function connectionId(c: EmuConnection): string {
  return `/providers/Microsoft.PowerApps/apis/${c.connector}/connections/${c.name}`;
}

export function connectionStatuses(core: EmulatorCore, c: EmuConnection): WireStatus[] {
  if (c.configurationNeeded) return [{ status: 'ConfigurationNeeded', target: 'token' }];
  if (c.fixedError)
    return [
      {
        status: 'Error',
        target: c.fixedError.target,
        error: { code: c.fixedError.code, message: c.fixedError.message },
      },
    ];
  if (c.auth.kind !== 'servicePrincipal') return [{ status: 'Connected' }];
  const problem = servicePrincipalProblem(core, c.auth.clientId, c.auth.clientSecret);
  if (!problem) return [{ status: 'Connected' }];
  return [
    {
      status: 'Error',
      target: 'token',
      error: {
        code: 'Unauthorized',
        message: `Failed to refresh access token for service: aadcertificate. Correlation Id=${c.name}, UTC TimeStamp=${core.now().toISOString()}, Error: ${problem}`,
      },
    },
  ];
}

/** Why a client id + secret cannot get a token now (Entra's words), or undefined when it can. */
export function servicePrincipalProblem(core: EmulatorCore, clientId: string, secret: string): string | undefined {
  const app = core.state.index.appsByAppId.get(clientId);
  if (!app)
    return `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${core.tenantId}'.`;
  const credential = app.passwordCredentials.find((p) => p.secret === secret);
  if (credential && Date.parse(credential.endDateTime) <= core.now().getTime()) {
    return `AADSTS7000222: The provided client secret keys for app '${clientId}' are expired.`;
  }
  if (!credential || credential.usableFromMs > Date.now()) {
    return `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`;
  }
  return undefined;
}

function principalView(core: EmulatorCore, id: string, type: PrincipalType): Record<string, unknown> {
  if (type === 'User') {
    const user = core.state.index.usersById.get(id);
    return {
      id,
      displayName: user?.displayName ?? id,
      email: user?.mail ?? undefined,
      type: 'User',
      tenantId: core.tenantId,
      userPrincipalName: user?.userPrincipalName,
    };
  }
  if (type === 'Group') {
    const group = core.state.groups.find((g) => g.id === id);
    return { id, displayName: group?.displayName ?? id, type: 'Group', tenantId: core.tenantId };
  }
  if (type === 'ServicePrincipal') {
    const app = core.state.applications.find((a) => a.servicePrincipalId === id);
    return { id, displayName: app?.displayName ?? id, type: 'ServicePrincipal', tenantId: core.tenantId };
  }
  return { id, type: 'Tenant', tenantId: core.tenantId };
}

export function connectionView(core: EmulatorCore, c: EmuConnection): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    apiId: `/providers/Microsoft.PowerApps/apis/${c.connector}`,
    displayName: c.displayName,
    iconUri: `https://connectoricons-prod.azureedge.net/${c.connector}/icon.png`,
    statuses: connectionStatuses(core, c),
    connectionParameters: {},
    keywordsRemaining: 0,
    createdBy: principalView(core, c.ownerId, 'User'),
    createdTime: c.createdTime,
    lastModifiedTime: c.lastModifiedTime,
    environment: { id: `/providers/Microsoft.PowerApps/environments/${c.environmentId}`, name: c.environmentId },
    allowSharing: c.auth.kind !== 'user',
    testLinks: [],
  };
  if (c.isCustomConnector) properties.isCustomApiConnection = true;
  if (c.auth.kind === 'user') {
    properties.accountName = c.auth.accountName;
    // The token cache's expiry, not a credential's (see the contract doc: unconfirmed meaning).
    properties.expirationTime = new Date(Date.parse(c.lastModifiedTime) + 90 * 86_400_000).toISOString();
  }
  if (c.auth.kind === 'sqlAuth') {
    // SQL Server Authentication: the password is never returned; no accountName (it is not a person's sign-in).
    properties.connectionParametersSet = {
      name: 'sqlAuthentication',
      values: {
        server: { value: c.auth.server },
        database: { value: c.auth.database },
        username: { value: c.auth.username },
      },
    };
  }
  if (c.auth.kind === 'servicePrincipal') {
    // Like the real service, the secret is never returned.
    properties.connectionParametersSet = {
      name: 'oauthSP',
      values: { 'token:clientId': { value: c.auth.clientId }, 'token:TenantId': { value: c.auth.tenantId } },
    };
  }
  return { name: c.name, id: connectionId(c), type: 'Microsoft.PowerApps/apis/connections', properties };
}

/** Owner, or shared with the principal, one of their groups, or the whole tenant. */
export function canUseConnection(core: EmulatorCore, c: EmuConnection, principalId: string): boolean {
  if (c.ownerId === principalId) return true;
  const groups = core.groupIdsOf(principalId);
  return (c.permissions ?? []).some(
    (p) => p.principalId === principalId || groups.includes(p.principalId) || p.principalType === 'Tenant',
  );
}

/**
 * Owner or a CanEdit share: who may update (PUT) a connection or change its shares on the Power Platform API's
 * connectivity routes. That API has no admin scope, so being a Power Platform admin does not count.
 */
export function canEditConnection(core: EmulatorCore, c: EmuConnection, caller: Caller): boolean {
  if (c.ownerId === caller.oid) return true;
  const groups = core.groupIdsOf(caller.oid);
  return (c.permissions ?? []).some(
    (p) => (p.principalId === caller.oid || groups.includes(p.principalId)) && p.roleName === 'CanEdit',
  );
}

/**
 * A permission's own name (the last segment of its id). For users and groups it is their object id, as in every
 * public recording; for a service principal it is another id (the Terraform provider's recorded share of
 * "Power Platform API": name 4fac9a58-… for principal c52d4a80-…), so a client must send the id it read back.
 */
export function permissionName(c: EmuConnection, principalId: string, type: PrincipalType): string {
  if (type !== 'ServicePrincipal') return principalId;
  const hex = createHash('sha256').update(`${c.name}|${principalId.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function permissionsView(core: EmulatorCore, c: EmuConnection): Record<string, unknown>[] {
  const id = connectionId(c);
  const entry = (principalId: string, type: PrincipalType, roleName: string) => ({
    name: permissionName(c, principalId, type),
    id: `${id}/permissions/${permissionName(c, principalId, type)}`,
    type: 'Microsoft.PowerApps/apis/connections/permissions',
    properties: { roleName, principal: principalView(core, principalId, type) },
  });
  return [
    entry(c.ownerId, 'User', 'Owner'),
    ...(c.permissions ?? []).map((p) => entry(p.principalId, p.principalType, p.roleName)),
  ];
}

const ROLES = ['CanView', 'CanViewWithShare', 'CanEdit'];
const TYPES: PrincipalType[] = ['User', 'Group', 'ServicePrincipal', 'Tenant'];

/**
 * modifyPermissions body `{put:[{properties:{roleName, principal:{id,type,tenantId}}}], delete:[{id:".../permissions/<principalId>"}]}`.
 * Validated fully before anything changes. Error codes for invalid shares are unconfirmed.
 */
export function modifyPermissions(core: EmulatorCore, c: EmuConnection, body: unknown): void {
  const b = (body ?? {}) as { put?: unknown; delete?: unknown };
  const puts = Array.isArray(b.put) ? b.put : [];
  const deletes = Array.isArray(b.delete) ? b.delete : [];
  const planned: EmuPermission[] = [];
  for (const item of puts) {
    const props = (item as { properties?: { roleName?: unknown; principal?: { id?: unknown; type?: unknown } } })
      ?.properties;
    const roleName = String(props?.roleName ?? '');
    const principalId = String(props?.principal?.id ?? '');
    const type = TYPES.find((t) => t.toLowerCase() === String(props?.principal?.type ?? '').toLowerCase());
    if (!ROLES.includes(roleName))
      throw apiError(
        400,
        'InvalidRoleName',
        `The role '${roleName}' is not valid; use CanView, CanViewWithShare or CanEdit.`,
      );
    if (!type)
      throw apiError(
        400,
        'InvalidPrincipalType',
        `The principal type '${String(props?.principal?.type)}' is not valid.`,
      );
    if (type === 'Tenant' && roleName !== 'CanView') {
      throw apiError(
        400,
        'InvalidTenantPermission',
        'A connection can be shared with the whole organization with the CanView role only.',
      );
    }
    if (!principalExists(core, principalId, type))
      throw apiError(
        400,
        'PrincipalNotFound',
        `The principal '${principalId}' of type '${type}' was not found in tenant '${core.tenantId}'.`,
      );
    if (principalId === c.ownerId)
      throw apiError(400, 'CannotModifyOwnerPermission', "The owner's permission cannot be changed.");
    if (isOAuth(c) && type !== 'ServicePrincipal') {
      // "OAuth connections can only be explicitly shared with a user representing a service principal"
      // (Use a connection reference in a solution). The real service's error code is unknown: this one is ours.
      throw apiError(
        400,
        'OAuthConnectionShareNotAllowed',
        `The connection '${c.name}' uses OAuth and can be shared only with a service principal, not with a ${type === 'Tenant' ? 'whole organization' : type.toLowerCase()}.`,
      );
    }
    planned.push({ principalId, principalType: type, roleName: roleName as EmuPermission['roleName'] });
  }
  // A delete names the permission by its id; its last segment is the permission's name, which for a service
  // principal is not the principal's id. An id that names no permission removes nothing.
  const removed: string[] = [];
  for (const item of deletes) {
    const id = String((item as { id?: unknown })?.id ?? '');
    const name = (id.split('/').filter(Boolean).pop() ?? '').toLowerCase();
    if (name === c.ownerId.toLowerCase())
      throw apiError(400, 'CannotModifyOwnerPermission', "The owner's permission cannot be removed.");
    const held = (c.permissions ?? []).find(
      (p) => permissionName(c, p.principalId, p.principalType).toLowerCase() === name,
    );
    if (held) removed.push(held.principalId.toLowerCase());
  }
  const kept = (c.permissions ?? []).filter(
    (p) => !removed.includes(p.principalId.toLowerCase()) && !planned.some((n) => n.principalId === p.principalId),
  );
  c.permissions = [...kept, ...planned];
  c.lastModifiedTime = core.now().toISOString();
}

/** OAuth connections: a person's sign-in or a service principal's (oauthSP); API keys and SQL logins are not. */
export function isOAuth(c: EmuConnection): boolean {
  return c.auth.kind === 'user' || c.auth.kind === 'servicePrincipal';
}

function principalExists(core: EmulatorCore, id: string, type: PrincipalType): boolean {
  switch (type) {
    case 'User':
      return core.state.index.usersById.has(id);
    case 'Group':
      return core.state.groups.some((g) => g.id === id);
    case 'ServicePrincipal':
      return core.state.applications.some((a) => a.servicePrincipalId === id);
    case 'Tenant':
      return id.toLowerCase() === core.tenantId.toLowerCase();
  }
}

export function findEnvironment(core: EmulatorCore, name: string): EmuEnvironment {
  const env = core.state.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  if (!env)
    throw apiError(
      404,
      'EnvironmentNotFound',
      `The environment '${name}' could not be found in the tenant '${core.tenantId}'.`,
    );
  return env;
}

/** The Power Platform API's per-environment host label: id without dashes, last two characters split off. */
export function environmentHost(environmentId: string): string {
  const compact = environmentId.replace(/-/g, '').toLowerCase();
  return `${compact.slice(0, -2)}.${compact.slice(-2)}`;
}

export function findConnection(
  core: EmulatorCore,
  environmentId: string,
  connector: string,
  name: string,
): EmuConnection {
  const c = core.state.index.connectionsByKey.get(`${environmentId.toLowerCase()}|${name.toLowerCase()}`);
  if (!c || c.connector.toLowerCase() !== connector.toLowerCase()) {
    throw apiError(404, 'ConnectionNotFound', `Could not find connection '${name}' for API '${connector}'.`);
  }
  return c;
}
