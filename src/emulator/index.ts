/**
 * The demo-tenant emulator: one HTTPS loopback server speaking the subsets of Entra ID, Microsoft Graph, BAP, the
 * classic Power Apps and Flow APIs, the Power Platform API, Dataverse and Key Vault that the bot uses, loaded with
 * the named fixture (fixture.ts) and optionally a synthetic tenant (scale.ts). Faults: see faults.ts. Control: see
 * control.ts. Key Vault is served at the server's root (`/secrets/...`): the Key Vault SDK parses secret ids as
 * `/secrets/{name}/{version}` and cannot live under a path prefix.
 */
import { EmulatorCore } from './core';
import { defaultCertDir, ensureEmulatorCertificate, loadOrCreateTls } from './certificate';
import { controlFor, controlRoutes, type EmulatorControl } from './control';
import { APPS, buildFixture, TENANT_ID } from './fixture';
import { graphRoutes } from './graphApi';
import { identityRoutes } from './identityApi';
import { newSecretText } from './credentialMaterial';
import { listen } from './server';
import { platformRoutes } from './platformRoutes';
import { scaleTenant } from './scale';
import { addConnectionsFor, type ExtraConnections } from './extraConnections';
import { shareServicePrincipalConnectionsWithBot } from './botGrants';
import { REGIONAL_ALIAS } from './flowApi';

export { ensureEmulatorCertificate };
export type { EmulatorControl };

export interface EmulatorInfo {
  tenantId: string;
  authorityHost: string;
  graph: string;
  powerPlatform: string;
  powerApps: string;
  flow: string;
  bap: string;
  /** Environment display name → Dataverse org URL. */
  dataverse: Record<string, string>;
  keyVault: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
  control: string;
  /**
   * Other host names of the Flow and Power Apps APIs, as the real services' regional hosts
   * (https://<region>.api.flow.microsoft.com): next links may point there (fault regionalNextLink).
   */
  regionalHosts: string[];
}

export interface StartOptions {
  /** 0 = a free port (default). */
  port?: number;
  certDir?: string;
  /** Added latency on every API. */
  latencyMs?: number;
  /** Fault spec (grammar in faults.ts). */
  faults?: string;
  /** Synthetic tenant: SIZE connections from SEED, the named fixture kept. */
  scale?: { seed: number; size: number };
  /** COUNT more connections owned by a fixture user (the benches' "user with 500 connections"); one or several. */
  extraConnectionsFor?: ExtraConnections | ExtraConnections[];
  now?: () => Date;
}

export interface RunningEmulator {
  info: EmulatorInfo;
  control: EmulatorControl;
  close(): Promise<void>;
}

export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const tls = loadOrCreateTls(options.certDir ?? defaultCertDir());
  const botSecret = newSecretText();
  const scale = options.scale;
  const core = new EmulatorCore({
    tenantId: TENANT_ID,
    botAppId: APPS.bot.appId,
    baseNow: options.now ?? (() => new Date()),
    build: (now) => {
      const fixture = buildFixture({ now, botSecret });
      const scaled = scale ? scaleTenant(fixture, scale, now) : fixture;
      const extras = options.extraConnectionsFor ?? [];
      const extended = (Array.isArray(extras) ? extras : [extras]).reduce(
        (state, extra) => addConnectionsFor(state, extra, now),
        scaled,
      );
      return shareServicePrincipalConnectionsWithBot(extended, APPS.bot.appId);
    },
    faults: options.faults,
    latencyMs: options.latencyMs,
  });
  const routes = [...identityRoutes(), ...graphRoutes(), ...platformRoutes(), ...controlRoutes()];
  // Port 0 asks for a free port; the URLs are known once listening, before the first request is handled.
  core.urls = urlsFor('https://127.0.0.1:0');
  const running = await listen(core, routes, tls, options.port ?? 0);
  const origin = `https://127.0.0.1:${running.port}`;
  core.urls = urlsFor(origin);
  const dataverse: Record<string, string> = {};
  for (const env of core.state.environments)
    dataverse[env.displayName] = `${core.urls.dataverseBase}/${env.dataverse.orgName}`;
  const info: EmulatorInfo = {
    tenantId: TENANT_ID,
    authorityHost: core.urls.authorityHost,
    graph: core.urls.graph,
    powerPlatform: core.urls.powerPlatformTemplate,
    powerApps: core.urls.powerApps,
    flow: core.urls.flow,
    bap: core.urls.bap,
    dataverse,
    keyVault: core.urls.keyVault,
    clientId: APPS.bot.appId,
    clientSecret: botSecret,
    caCertPath: tls.caCertPath,
    control: core.urls.control,
    regionalHosts: [REGIONAL_ALIAS],
  };
  return { info, control: controlFor(core), close: () => running.close() };
}

function urlsFor(origin: string) {
  return {
    origin,
    authorityHost: origin,
    graph: `${origin}/graph/v1.0`,
    powerPlatformTemplate: `${origin}/powerplatform/{environmentHost}`,
    powerApps: `${origin}/powerapps`,
    flow: `${origin}/flow`,
    bap: `${origin}/bap`,
    keyVault: origin,
    control: `${origin}/control`,
    dataverseBase: `${origin}/dataverse`,
  };
}
