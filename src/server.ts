/**
 * The HTTP front door (restify): POST /api/messages through the Bot Framework adapter, GET /healthz (alive) and
 * GET /readyz (store and tenant reachable). Bodies over 256 KB get 413, malformed JSON 400, a non-JSON content
 * type 415, and — whenever a bot id is configured — a missing or invalid token 401 from the adapter. SIGTERM stops
 * accepting, lets in-flight turns and jobs finish, and closes the store.
 */
import * as restify from 'restify';
import { createBot } from './app/bot';
import { createTeamsAdapter } from './app/teamsAdapter';
import { compose, type Composition } from './compose';
import { loadConfig, ConfigError } from './config';
import { configureLogging, getLogger } from './logging/logger';

const log = getLogger('server');
export const MAX_BODY_BYTES = 256 * 1024;

export interface RunningServer {
  url: string;
  server: restify.Server;
  composition: Composition;
  /** Stop accepting, finish in-flight requests and jobs, close everything. */
  shutdown(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Loopback JWKS for token-validation tests. */
  openIdMetadataUrl?: string;
  tokenIssuer?: string;
}

export async function startServer(composition: Composition, options: ServerOptions = {}): Promise<RunningServer> {
  const { config } = composition;
  const adapter = createTeamsAdapter(config, {
    openIdMetadataUrl: options.openIdMetadataUrl,
    tokenIssuer: options.tokenIssuer,
  });
  const bot = createBot({
    services: composition.services,
    adapter,
    botAppId: config.BOT_ID,
    typingIndicator: true,
    attachNotifier: (notifier) => composition.attachNotifier(notifier),
  });

  const server = restify.createServer({ name: 'connection-ops', handleUncaughtExceptions: false });
  let inFlight = 0;
  let draining = false;
  server.pre((req, res, next) => {
    if (draining) {
      res.header('Connection', 'close');
      res.send(503, { error: 'shutting down' });
      return next(false);
    }
    return next();
  });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: false }));

  server.post('/api/messages', async (req, res) => {
    const type = String(req.header('content-type') ?? '');
    if (!type.includes('application/json')) {
      res.send(415, { error: 'Content-Type must be application/json' });
      return;
    }
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body) || typeof req.body.type !== 'string') {
      res.send(400, { error: 'The body must be a Bot Framework activity (a JSON object with a "type").' });
      return;
    }
    inFlight++;
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      log.error({ err: error }, 'request failed');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    } finally {
      inFlight--;
    }
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const checks = await composition.readiness();
    res.send(checks.ready ? 200 : 503, checks);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? config.PORT, options.host ?? '0.0.0.0', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  log.info(
    { url, demoMode: config.demoMode },
    config.demoMode ? 'listening (demo mode: built-in demo tenant)' : 'listening',
  );

  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      draining = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + 10_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await composition.close();
      log.info('stopped');
    })());
  return { url, server, composition, shutdown };
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  configureLogging({ level: config.LOG_LEVEL });
  // The server is where approved operations run, scheduled scans start and notifications go out: its workers run.
  const composition = await compose(config, { startJobs: true });
  const running = await startServer(composition);
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    running.shutdown().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((error) => {
    getLogger('server').fatal({ err: error }, 'failed to start');
    process.exit(1);
  });
}
