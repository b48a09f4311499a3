/**
 * The demo-tenant emulator with the real clients pointed at it, as the tests of test/clients use them: small retry
 * budgets and waits so that failure paths take milliseconds, not the production minute.
 */
import { ClientSecretCredential } from '@azure/identity';
import { createTenantPorts, endpointsFromEmulator, type TenantEndpoints } from '../../src/clients';
import type { TenantPortsOptions } from '../../src/clients';
import { authorityOptions } from '../../src/clients/credentials';
import { startEmulator, type RunningEmulator, type StartOptions } from '../../src/emulator';
import type { TenantPorts } from '../../src/tenant/ports';

export const fastRetries: TenantPortsOptions = {
  timeoutMs: 3000,
  retry: { maxAttempts: 4, maxTotalMs: 5000, baseDelayMs: 10, maxDelayMs: 50 },
  keyVaultMaxRetries: 0,
};

export interface DemoTenant {
  emulator: RunningEmulator;
  endpoints: TenantEndpoints;
  ports: TenantPorts;
  /** Fresh ports (own token cache and limits), e.g. with other options. */
  portsWith(options: TenantPortsOptions): TenantPorts;
  close(): Promise<void>;
}

export async function startDemoTenant(
  start: StartOptions = {},
  options: TenantPortsOptions = fastRetries,
): Promise<DemoTenant> {
  const emulator = await startEmulator({ port: 0, ...start });
  const info = emulator.info;
  const endpoints = endpointsFromEmulator(info);
  const credential = new ClientSecretCredential(
    info.tenantId,
    info.clientId,
    info.clientSecret,
    authorityOptions(info.authorityHost),
  );
  const portsWith = (o: TenantPortsOptions) => createTenantPorts(endpoints, credential, o);
  return { emulator, endpoints, ports: portsWith(options), portsWith, close: () => emulator.close() };
}

export async function firstMatching<T>(items: AsyncIterable<T>, test: (item: T) => boolean): Promise<T | undefined> {
  for await (const item of items) if (test(item)) return item;
  return undefined;
}
