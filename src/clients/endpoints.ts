/**
 * Where each API lives and which token scope it takes. A national cloud or the demo-tenant emulator is just another
 * set of these values: no client hard-codes a host.
 */
import type { Config } from '../config';

export interface TenantEndpoints {
  tenantId: string;
  /** Entra authority host, e.g. https://login.microsoftonline.com. */
  authorityHost: string;
  /** Microsoft Graph base including the version, e.g. https://graph.microsoft.com/v1.0. */
  graph: string;
  /**
   * Power Platform API base as a URL template containing `{environmentHost}`, e.g.
   * https://{environmentHost}.environment.api.powerplatform.com.
   */
  powerPlatform: string;
  /** Classic Power Apps (admin) API, e.g. https://api.powerapps.com. */
  powerApps: string;
  /** Classic Flow API, e.g. https://api.flow.microsoft.com. */
  flow: string;
  /** Business Application Platform (environments), e.g. https://api.bap.microsoft.com. */
  bap: string;
  /** Key Vault URL; undefined when the deployment has none (rotation then cannot store secrets). */
  keyVault?: string;
  /**
   * More host names that serve the Flow and Power Apps APIs with the same token audience, beyond their regional
   * subdomains (https://<region>.api.flow.microsoft.com), which are always accepted: next-page links may point at
   * them. The emulator announces its alias here.
   */
  regionalHosts?: string[];
  /** The backend identity's app (client) id, to find its own service principal (its role on a connection). */
  clientId?: string;
  scopes: { graph: string; powerPlatform: string; powerApps: string; flow: string; bap: string };
}

/** What the emulator announces (the subset the clients need; src/emulator's EmulatorInfo satisfies it). */
export interface EmulatorEndpointInfo {
  tenantId: string;
  authorityHost: string;
  graph: string;
  powerPlatform: string;
  powerApps: string;
  flow: string;
  bap: string;
  keyVault: string;
  regionalHosts?: string[];
}

const PUBLIC_SCOPES = {
  powerPlatform: 'https://api.powerplatform.com/.default',
  powerApps: 'https://service.powerapps.com/.default',
  flow: 'https://service.flow.microsoft.com/.default',
  bap: 'https://service.powerapps.com/.default',
};

export function endpointsFromConfig(config: Config): TenantEndpoints {
  if (!config.TENANT_ID) throw new Error('endpointsFromConfig: TENANT_ID is not set (demo mode uses the emulator)');
  return {
    tenantId: config.TENANT_ID,
    authorityHost: trimSlash(config.AUTHORITY_HOST),
    graph: trimSlash(config.GRAPH_URL),
    powerPlatform: powerPlatformTemplate(config.POWER_PLATFORM_URL),
    powerApps: trimSlash(config.POWER_APPS_URL),
    flow: trimSlash(config.FLOW_URL),
    bap: trimSlash(config.BAP_URL),
    keyVault: config.KEY_VAULT_URL ? trimSlash(config.KEY_VAULT_URL) : undefined,
    clientId: config.CLIENT_ID ?? config.MANAGED_IDENTITY_CLIENT_ID,
    scopes: {
      graph: config.GRAPH_SCOPE ?? `${new URL(config.GRAPH_URL).origin}/.default`,
      powerPlatform: config.POWER_PLATFORM_SCOPE ?? PUBLIC_SCOPES.powerPlatform,
      powerApps: config.POWER_APPS_SCOPE ?? PUBLIC_SCOPES.powerApps,
      flow: config.FLOW_SCOPE ?? PUBLIC_SCOPES.flow,
      bap: config.BAP_SCOPE ?? PUBLIC_SCOPES.bap,
    },
  };
}

/** The emulator speaks the public cloud's scopes on its own URLs. */
export function endpointsFromEmulator(info: EmulatorEndpointInfo): TenantEndpoints {
  return {
    tenantId: info.tenantId,
    authorityHost: trimSlash(info.authorityHost),
    graph: trimSlash(info.graph),
    powerPlatform: powerPlatformTemplate(info.powerPlatform),
    powerApps: trimSlash(info.powerApps),
    flow: trimSlash(info.flow),
    bap: trimSlash(info.bap),
    keyVault: trimSlash(info.keyVault),
    regionalHosts: info.regionalHosts ?? [],
    scopes: { graph: 'https://graph.microsoft.com/.default', ...PUBLIC_SCOPES },
  };
}

/**
 * The Power Platform API is served per environment. A configured base without the placeholder is the API's
 * apex host (https://api.powerplatform.com, or a national cloud's): the environment's host goes in front of it.
 */
export function powerPlatformTemplate(base: string): string {
  const trimmed = trimSlash(base);
  if (trimmed.includes('{environmentHost}')) return trimmed;
  const url = new URL(trimmed);
  return `${url.protocol}//{environmentHost}.environment.${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** Environment id without dashes, the last two characters split off with a dot (the API's host naming rule). */
export function environmentHost(environmentId: string): string {
  const compact = environmentId.replace(/-/g, '').toLowerCase();
  return `${compact.slice(0, -2)}.${compact.slice(-2)}`;
}

export function powerPlatformBase(template: string, environmentId: string): string {
  return template.replace('{environmentHost}', environmentHost(environmentId));
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
