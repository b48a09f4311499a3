/**
 * A FlowsPort acting as a demo user (the emulator accepts the password grant with password "demo"), to check
 * what that user can do after an approval — e.g. Adele turning on Weekly report.
 */
import { UsernamePasswordCredential } from '@azure/identity';
import { createTenantPorts, endpointsFromEmulator } from '../../src/clients';
import type { FlowsPort } from '../../src/tenant/ports';
import type { Harness } from './harness';

export async function userFlowsPort(h: Harness, upn: string): Promise<FlowsPort> {
  const info = h.emulator.info;
  const credential = new UsernamePasswordCredential(info.tenantId, info.clientId, upn, 'demo', {
    authorityHost: info.authorityHost,
    disableInstanceDiscovery: true,
  });
  return createTenantPorts(endpointsFromEmulator(info), credential).flows;
}
