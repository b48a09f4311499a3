/**
 * The clients' front door: builds every tenant port over one shared HTTP layer from a set of endpoints and a
 * credential. The composition root calls createTenantPorts once; tests build ports acting as a demo user with
 * createFlowsPortAs (the same code, another identity).
 */
import type { TokenCredential } from '@azure/identity';
import type { FlowsPort, SecretVaultPort, SelfIdentityPort, TenantPorts } from '../tenant/ports';
import { TenantApiError } from '../tenant/errors';
import { CanvasAppsClient } from './canvasAppsClient';
import { ConnectionsClient } from './connectionsClient';
import { DataverseClient } from './dataverseClient';
import { FlowsClient } from './flowsClient';
import { GraphClient } from './graphClient';
import { HttpClient, type HttpClientOptions } from './httpClient';
import { KeyVaultClient } from './keyVaultClient';
import { TokenProbe } from './tokenProbe';
import { oneCredential, type CredentialSource } from './tokenProvider';
import type { TenantEndpoints } from './endpoints';

export { endpointsFromConfig, endpointsFromEmulator, type TenantEndpoints } from './endpoints';
export { createCredential, demoUserCredential } from './credentials';
export { collect } from './paginate';

export interface TenantPortsOptions extends HttpClientOptions {
  /** Dataverse rows per page (Prefer: odata.maxpagesize); default 500, at most 5,000. */
  dataversePageSize?: number;
  /** Retries inside the Key Vault SDK (its own policy); default the SDK's. */
  keyVaultMaxRetries?: number;
  /**
   * Whether flow reads refused on the admin routes fall back to the maker routes (an identity that may be a user
   * acting as themselves); default true. The bot's own ports (tenantPortsFor) say false: a refusal is reported.
   */
  flowsAsMaker?: boolean;
}

/** `credential` may be a factory: see CredentialSource (one MSAL cache per 16 token scopes). */
export function createTenantPorts(
  endpoints: TenantEndpoints,
  credential: CredentialSource,
  options: TenantPortsOptions = {},
): TenantPorts {
  const http = new HttpClient(credential, options);
  // The Flow and Power Apps lists may page through the service's regional hosts (same token audience).
  const regional = { regionalSubdomains: true, extraHosts: endpoints.regionalHosts ?? [] };
  const directory = new GraphClient(http.api('graph', endpoints.scopes.graph), endpoints.graph);
  const powerApps = http.api('powerApps', endpoints.scopes.powerApps, 'powerApps', regional);
  return {
    tenantId: endpoints.tenantId,
    directory,
    connections: new ConnectionsClient(
      {
        bap: http.api('bap', endpoints.scopes.bap),
        powerApps,
        powerPlatform: http.api('powerPlatform', endpoints.scopes.powerPlatform),
      },
      endpoints,
    ),
    flows: new FlowsClient(http.api('flow', endpoints.scopes.flow, 'flow', regional), endpoints.flow, {
      asMaker: options.flowsAsMaker ?? true,
    }),
    apps: new CanvasAppsClient(powerApps, endpoints.powerApps),
    dataverse: new DataverseClient((orgUrl) => http.api('dataverse', `${orgUrl}/.default`, `dataverse:${orgUrl}`), {
      pageSize: options.dataversePageSize,
    }),
    vault: endpoints.keyVault
      ? new KeyVaultClient(endpoints.keyVault, oneCredential(credential), { maxRetries: options.keyVaultMaxRetries })
      : missingVault(),
    tokenProbe: new TokenProbe(endpoints),
    self: ownIdentity(directory, endpoints.clientId),
  };
}

/** The backend identity's own service principal, looked up once by its app id (undefined when not known). */
function ownIdentity(directory: GraphClient, clientId: string | undefined): SelfIdentityPort {
  let found: Promise<string | undefined> | undefined;
  return {
    appId: clientId,
    principalId: () => {
      if (!clientId) return Promise.resolve(undefined);
      found ??= directory.findServicePrincipalIdByAppId(clientId).catch((error: unknown) => {
        found = undefined;
        throw error;
      });
      return found;
    },
  };
}

/** A FlowsPort acting as another identity (e.g. a demo user through demoUserCredential). */
export function createFlowsPortAs(
  endpoints: TenantEndpoints,
  credential: TokenCredential,
  options: HttpClientOptions = {},
): FlowsPort {
  const api = new HttpClient(credential, options).api('flow', endpoints.scopes.flow, 'flow', {
    regionalSubdomains: true,
    extraHosts: endpoints.regionalHosts ?? [],
  });
  return new FlowsClient(api, endpoints.flow, { asMaker: true });
}

/** Without KEY_VAULT_URL, reading finds nothing and storing refuses with a plain reason. */
function missingVault(): SecretVaultPort {
  const refuse = (): never => {
    throw new TenantApiError({
      message: 'No Key Vault is configured (KEY_VAULT_URL): a rotated secret has nowhere safe to go.',
      code: 'KeyVaultNotConfigured',
      kind: 'badRequest',
      api: 'keyVault',
    });
  };
  return {
    setSecret: async () => refuse(),
    getSecretValue: async () => undefined,
    getSecretProperties: async () => undefined,
    listSecretVersions: async () => [],
    disableSecretVersion: async () => refuse(),
  };
}
