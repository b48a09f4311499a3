/**
 * Power Platform wire shapes (environments, connections, connection permissions) mapped onto the tenant model.
 * The classic admin API and the Power Platform API return the same connection object, so one mapper serves both.
 */
import type {
  Connection,
  ConnectionError,
  ConnectionPermission,
  ConnectionRole,
  ConnectionStatus,
  Environment,
  Principal,
} from '../tenant/model';

export interface WireEnvironment {
  name: string;
  id?: string;
  properties?: {
    displayName?: string;
    isDefault?: boolean;
    environmentSku?: string;
    linkedEnvironmentMetadata?: { instanceUrl?: string | null } | null;
  };
}

export interface WirePrincipal {
  id: string;
  displayName?: string;
  email?: string;
  userPrincipalName?: string;
  type?: string;
  tenantId?: string;
}

export interface WireParameterSet {
  name?: string;
  values?: Record<string, { value?: unknown } | undefined>;
}

export interface WireConnection {
  name: string;
  id?: string;
  properties: {
    apiId?: string;
    displayName?: string;
    statuses?: { status?: string; target?: string; error?: { code?: string; message?: string } }[];
    connectionParameters?: Record<string, unknown>;
    connectionParametersSet?: WireParameterSet;
    createdBy?: WirePrincipal;
    createdTime?: string;
    lastModifiedTime?: string;
    environment?: { id?: string; name?: string };
    accountName?: string;
    isCustomApiConnection?: boolean;
    [other: string]: unknown;
  };
  [other: string]: unknown;
}

export interface WirePermission {
  name?: string;
  id?: string;
  properties: { roleName?: string; principal: WirePrincipal };
}

export function mapEnvironment(wire: WireEnvironment): Environment {
  const instanceUrl = wire.properties?.linkedEnvironmentMetadata?.instanceUrl ?? undefined;
  return {
    id: wire.name,
    displayName: wire.properties?.displayName ?? wire.name,
    isDefault: wire.properties?.isDefault === true,
    dataverseUrl: instanceUrl ? instanceUrl.replace(/\/+$/, '') : undefined,
  };
}

export function mapPrincipal(wire: WirePrincipal | undefined): Principal {
  if (!wire) return { id: '', displayName: 'unknown', type: 'User' };
  return {
    id: wire.id,
    displayName: wire.displayName ?? wire.userPrincipalName ?? wire.email ?? wire.id,
    userPrincipalName: wire.userPrincipalName ?? wire.email ?? undefined,
    type: principalType(wire.type),
  };
}

function principalType(type: string | undefined): Principal['type'] {
  switch ((type ?? '').toLowerCase()) {
    case 'group':
      return 'Group';
    case 'serviceprincipal':
    case 'application':
      return 'ServicePrincipal';
    case 'tenant':
      return 'Tenant';
    default:
      return 'User';
  }
}

/**
 * Connector name from an apiId such as /providers/Microsoft.PowerApps/apis/shared_office365: the segment after the
 * last `apis` one, else the last segment. One pass over the text without arrays: it runs for every connection and
 * every connection reference of every flow in the tenant scan.
 */
export function connectorFromApiId(apiId: string | undefined): string {
  if (!apiId) return '';
  let last = '';
  let afterLastApis: string | undefined;
  let start = 0;
  while (start < apiId.length) {
    let end = apiId.indexOf('/', start);
    if (end === -1) end = apiId.length;
    if (end > start) {
      const segment = apiId.slice(start, end);
      if (segment === 'apis') afterLastApis = undefined;
      else if (last === 'apis') afterLastApis = segment;
      last = segment;
    }
    start = end + 1;
  }
  return afterLastApis ?? last;
}

/** Error wins over ConfigurationNeeded, which wins over Connected: one broken part breaks the connection. */
export function connectionStatus(statuses: WireConnection['properties']['statuses']): {
  status: ConnectionStatus;
  error?: ConnectionError;
} {
  const list = statuses ?? [];
  const failed = list.find((s) => s.status === 'Error');
  if (failed) {
    return {
      status: 'Error',
      error: {
        code: failed.error?.code ?? 'Error',
        message: failed.error?.message ?? '',
        target: failed.target ?? undefined,
      },
    };
  }
  if (list.some((s) => s.status === 'ConfigurationNeeded') || !list.some((s) => s.status === 'Connected')) {
    return { status: 'ConfigurationNeeded' };
  }
  return { status: 'Connected' };
}

export function mapConnection(wire: WireConnection, environmentId: string): Connection {
  const p = wire.properties;
  const connector = connectorFromApiId(p.apiId) || connectorFromApiId(wire.id);
  const set = p.connectionParametersSet;
  const servicePrincipal = isServicePrincipalSet(set);
  const clientId = set?.values?.['token:clientId']?.value;
  const spTenant = set?.values?.['token:TenantId']?.value ?? set?.values?.['token:tenantId']?.value;
  const { status, error } = connectionStatus(p.statuses);
  return {
    name: wire.name,
    connector,
    displayName: p.displayName ?? wire.name,
    // Some answers give the environment only as an id (/providers/Microsoft.PowerApps/environments/{name}).
    environmentId: p.environment?.name ?? lastSegment(p.environment?.id) ?? environmentId,
    status,
    error,
    createdBy: mapPrincipal(p.createdBy),
    accountName: p.accountName ?? undefined,
    authType: servicePrincipal ? 'servicePrincipal' : isUserAuth(wire) ? 'user' : 'other',
    servicePrincipalAppId: servicePrincipal && typeof clientId === 'string' ? clientId : undefined,
    servicePrincipalTenantId: servicePrincipal && typeof spTenant === 'string' ? spTenant : undefined,
    // Custom connectors live under an environment (…/environments/{env}/apis/…) and are not "shared_" ones.
    isCustomConnector:
      p.isCustomApiConnection === true ||
      /\/environments\/[^/]+\/apis\//i.test(p.apiId ?? '') ||
      !connector.startsWith('shared_'),
    createdTime: p.createdTime ?? undefined,
    lastModifiedTime: p.lastModifiedTime ?? undefined,
  };
}

function lastSegment(id: string | undefined): string | undefined {
  const segment = id?.split('/').filter(Boolean).pop();
  return segment || undefined;
}

/**
 * An app signing in with its own credentials: the Dataverse connector's "oauthSP" (client id + secret), and the
 * certificate sets some connectors offer (names with "certificate"/"cert", e.g. "oauthCertificate"), which carry a
 * client id too. Those names are not all documented, so a set holding `token:clientId` counts as well.
 */
function isServicePrincipalSet(set: WireParameterSet | undefined): boolean {
  if (!set?.name) return false;
  if (/^oauthSP$/i.test(set.name) || /cert/i.test(set.name)) return true;
  return set.values?.['token:clientId'] !== undefined;
}

/**
 * A connection that signs in as a person: one that names an account, an OAuth parameter set that is not a
 * service principal's (certificate sets are "oauth…" too: they sign in as an app), or the single-auth `token`.
 */
function isUserAuth(wire: WireConnection): boolean {
  const p = wire.properties;
  if (p.accountName) return true;
  const set = p.connectionParametersSet;
  if (set?.name && /oauth/i.test(set.name) && !isServicePrincipalSet(set)) return true;
  return p.connectionParameters !== undefined && 'token' in p.connectionParameters;
}

const ROLES: ConnectionRole[] = ['Owner', 'CanEdit', 'CanView', 'CanViewWithShare'];

export function mapPermission(wire: WirePermission): ConnectionPermission {
  const role = ROLES.find((r) => r.toLowerCase() === (wire.properties.roleName ?? '').toLowerCase()) ?? 'CanView';
  return { principal: mapPrincipal(wire.properties.principal), roleName: role, id: wire.id ?? undefined };
}
