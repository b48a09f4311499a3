/**
 * Several Connection Ops instances as separate OS processes, the way they run behind one Azure Bot: one demo
 * tenant (the emulator in its own process, handed to every bot through EMULATOR_INFO), one Azure Storage (a real
 * Azurite), one loopback connector stub that every bot sends its messages to, and N bot processes with
 * STORAGE=azure. The test process reads the same storage and tenant to check outcomes, and controls the demo
 * tenant (faults, issued secrets) over its HTTPS control surface.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import { emulatorCredential } from '../../src/clients/credentials';
import { createTenantPorts, endpointsFromEmulator } from '../../src/clients';
import type { EmulatorInfo } from '../../src/emulator';
import { openStore } from '../../src/store';
import type { Store } from '../../src/store/ports';
import type { TenantPorts } from '../../src/tenant/ports';
import { startAzurite, type RunningAzurite } from './azurite';
import { startChildBot, startEmulatorProcess, type Child, type ChildBot, type ServeBotOptions } from './childBot';
import { startConnectorStub, type ConnectorStub } from './connectorStub';
import { TeamsClient } from './teamsClient';

export interface BotInstances {
  bots: ChildBot[];
  emulator: EmulatorInfo;
  stub: ConnectorStub;
  teams: TeamsClient;
  /** The shared Azure Storage, opened by the test process. */
  store: Store;
  /** The demo tenant as the bot's clients see it (the test reads credentials and Key Vault through it). */
  tenant: TenantPorts;
  control: EmulatorControlClient;
  /** Starts one more bot instance on the same tenant, storage and connector (e.g. after killing one). */
  startBot(): Promise<ChildBot>;
  close(): Promise<void>;
}

export interface EmulatorControlClient {
  setFaults(spec: string): Promise<void>;
  issuedSecrets(): Promise<string[]>;
  /** Requests the demo tenant has answered for one API (graph, powerApps, flow, dataverse…). */
  requestCount(api: string): Promise<number>;
}

export async function startBotInstances(options: {
  count: number;
  env?: NodeJS.ProcessEnv;
  compose?: ServeBotOptions;
  /** The connector stub answers 429 beyond Teams' per-conversation limits. */
  enforceTeamsLimits?: boolean;
}): Promise<BotInstances> {
  const started: { emulator?: Child<EmulatorInfo>; azurite?: RunningAzurite; stub?: ConnectorStub } = {};
  const bots: ChildBot[] = [];
  let store: Store | undefined;
  const close = async () => {
    await Promise.all(bots.map((bot) => bot.stop()));
    await store?.close();
    await Promise.all([started.emulator?.stop(), started.azurite?.stop(), started.stub?.close()]);
  };
  try {
    [started.emulator, started.azurite, started.stub] = await Promise.all([
      startEmulatorProcess(),
      startAzurite(),
      startConnectorStub({ enforceLimits: options.enforceTeamsLimits }),
    ]);
    const emulator = started.emulator.ready;
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'test',
      STORAGE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: started.azurite.connectionString,
      EMULATOR_INFO: JSON.stringify(emulator),
      ...options.env,
    };
    const startBot = async () => {
      const bot = await startChildBot('bot', env, options.compose);
      bots.push(bot);
      return bot;
    };
    await Promise.all(Array.from({ length: options.count }, startBot));
    store = await openStore({
      STORAGE: 'azure',
      DATA_DIR: '',
      AZURE_STORAGE_CONNECTION_STRING: started.azurite.connectionString,
      AZURE_STORAGE_ACCOUNT_URL: undefined,
      MANAGED_IDENTITY_CLIENT_ID: undefined,
    });
    const tenant = createTenantPorts(endpointsFromEmulator(emulator), emulatorCredential(emulator));
    return {
      bots,
      emulator,
      stub: started.stub,
      teams: new TeamsClient(started.stub, emulator.tenantId),
      store,
      tenant,
      control: controlClient(emulator),
      startBot,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The emulator's control routes over HTTPS, trusting its certificate explicitly (whatever this process trusts). */
function controlClient(info: EmulatorInfo): EmulatorControlClient {
  const ca = fs.readFileSync(info.caCertPath, 'utf8');
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const request = https.request(
        `${info.control}${path}`,
        { method, ca, headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            (res.statusCode ?? 500) < 300
              ? resolve(text ? JSON.parse(text) : undefined)
              : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`)),
          );
        },
      );
      request.once('error', reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return {
    setFaults: async (spec) => void (await call('POST', '/faults', { spec })),
    issuedSecrets: async () => ((await call('GET', '/issuedSecrets')) as { value: string[] }).value,
    requestCount: async (api) => ((await call('GET', `/requestCount?api=${api}`)) as { count: number }).count,
  };
}
