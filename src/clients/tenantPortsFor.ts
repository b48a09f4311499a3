/**
 * The tenant clients for a configuration: against the demo tenant an emulator describes (EmulatorInfo), or against
 * the real tenant the config names. The composition root builds the bot's ports with it, and the scan worker its
 * own (a worker thread cannot share the bot's clients). `emulatorInfo`: the demo tenant's URLs and bot app.
 */
import type { Config } from '../config';
import type { TenantPorts } from '../tenant/ports';
import { createCredential, credentialFactory, emulatorCredential } from './credentials';
import { endpointsFromConfig, endpointsFromEmulator, type EmulatorEndpointInfo } from './endpoints';
import { createTenantPorts, type TenantPortsOptions } from './index';

export function tenantPortsFor(
  config: Config,
  emulatorInfo: (EmulatorEndpointInfo & { clientId: string; clientSecret: string }) | undefined,
  options?: TenantPortsOptions,
): { tenant: TenantPorts; tenantId: string } {
  // The bot's own identity: a refused Flow admin route is reported, never answered with the bot's own few flows.
  // A factory rather than one credential: the HTTP layer spreads its token scopes (one per Dataverse org) over a
  // few credentials so that no MSAL cache grows large (see CredentialSource).
  if (emulatorInfo) {
    const credential = credentialFactory(() => emulatorCredential(emulatorInfo));
    const endpoints = { ...endpointsFromEmulator(emulatorInfo), clientId: emulatorInfo.clientId };
    const tenant = createTenantPorts(endpoints, credential, { flowsAsMaker: false, ...options });
    return { tenant, tenantId: emulatorInfo.tenantId };
  }
  const credential = credentialFactory(() => createCredential(config));
  return {
    tenant: createTenantPorts(endpointsFromConfig(config), credential, { flowsAsMaker: false, ...options }),
    tenantId: config.TENANT_ID as string,
  };
}
