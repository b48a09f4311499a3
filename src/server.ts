/**
 * The HTTP front door (restify): POST /api/messages through the Bot Framework adapter, GET /healthz (alive) and
 * GET /readyz (store and tenant reachable). In order, a request to /api/messages meets: any Content-Encoding but
 * identity → 415 (before the body is read); a non-JSON content type → 415; with a bot id, the token → 401, or 503
 * while the signing keys cannot be fetched (before the body is read); the body, read by our own bounded reader →
 * 413 over 256 KB, 400 when malformed or nested too deep; text or card data over Teams' own limits → 413; without
 * a bot id, a non-loopback serviceUrl that would be answered through → 400. Without a bot id (demo tenant only) it
 * listens on loopback only. SIGTERM stops accepting, lets in-flight turns and jobs finish, and closes the store.
 * The threat model behind this is docs/security.md.
 */
import * as restify from 'restify';
import { createBot } from './app/bot';
import { KeysUnavailable, TokenRejected } from './app/botTokenValidator';
import { asActivity, oversizedActivity } from './app/inboundLimits';
import { createTeamsAdapter, tokenValidatorOf } from './app/teamsAdapter';
import { runTrustingEmulator } from './cli/emulatorTrust';
import { compose, type Composition } from './compose';
import { loadConfig, ConfigError, type Config } from './config';
import { BodyError, readJsonBody, refusedEncoding } from './http/boundedBody';
import { isLoopbackHost, isLoopbackUrl } from './http/loopback';
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
  /** How long each fetch of the OpenID metadata or its keys may take (tests use a stalled endpoint). */
  metadataTimeoutMs?: number;
}

/**
 * What the server refuses to serve, whoever starts it: anonymous requests (no BOT_ID) only with the demo tenant,
 * and then only on loopback, so that nobody on the network can claim to be anyone in a real tenant.
 */
export function checkServing(config: Config, host: string): void {
  if (config.BOT_ID) return;
  if (!config.demoMode) {
    throw new ConfigError([
      'BOT_ID: required when TENANT_ID is set — without it anyone who can reach the server could act as anyone in ' +
        'the tenant (anonymous requests are only for the demo tenant, on this machine)',
    ]);
  }
  if (!isLoopbackHost(host)) {
    throw new ConfigError([
      `host ${host}: without BOT_ID (demo mode, anonymous requests) the server listens on loopback only`,
    ]);
  }
}

/** restify's own log lines (it logs whole requests when it cannot format a reply) go through our redacting logger. */
function restifyLogger() {
  const summary = (req: { method?: string; url?: string }) => ({ method: req?.method, url: req?.url?.slice(0, 200) });
  return getLogger('http').child(
    {},
    { serializers: { req: summary, res: (res: { statusCode?: number }) => ({ statusCode: res?.statusCode }) } },
  );
}

function refuse(res: restify.Response, status: number, error: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.header(name, value);
  res.send(status, { error });
}

export async function startServer(composition: Composition, options: ServerOptions = {}): Promise<RunningServer> {
  const { config } = composition;
  const host = options.host ?? (config.BOT_ID ? '0.0.0.0' : '127.0.0.1');
  checkServing(config, host);
  const adapter = createTeamsAdapter(config, {
    openIdMetadataUrl: options.openIdMetadataUrl,
    tokenIssuer: options.tokenIssuer,
    metadataTimeoutMs: options.metadataTimeoutMs,
  });
  const tokens = tokenValidatorOf(adapter);
  const bot = createBot({
    services: composition.services,
    adapter,
    botAppId: config.BOT_ID,
    typingIndicator: true,
    attachNotifier: (notifier) => composition.attachNotifier(notifier),
    // A reference is kept only from an activity whose serviceUrl is trusted: vouched for by a validated token
    // (checked before the turn runs), or on this machine in demo mode.
    acceptServiceUrl: tokens ? () => true : isLoopbackUrl,
  });

  const server = restify.createServer({
    name: 'connection-ops',
    handleUncaughtExceptions: false,
    // restify 11 logs with pino; its type declarations still name bunyan's Logger.
    log: restifyLogger() as unknown as restify.ServerOptions['log'],
  });
  let inFlight = 0;
  let draining = false;
  server.pre((req, res, next) => {
    if (draining) {
      res.header('Connection', 'close');
      res.send(503, { error: 'shutting down' });
      return next(false);
    }
    // Refused before anything reads the body: restify would inflate it with no error handler (see boundedBody.ts).
    const encodingProblem = refusedEncoding(req.headers['content-encoding']);
    if (encodingProblem) {
      res.header('Connection', 'close');
      res.send(415, { error: encodingProblem });
      return next(false);
    }
    return next();
  });

  server.post('/api/messages', async (req, res) => {
    const type = String(req.header('content-type') ?? '');
    if (!type.includes('application/json')) {
      res.header('Connection', 'close');
      return refuse(res, 415, 'Content-Type must be application/json');
    }
    inFlight++;
    try {
      // The token first, from the header alone: an unauthenticated body is never read.
      if (tokens) await tokens.validate(req.headers.authorization);
      let body: unknown;
      try {
        body = await readJsonBody(req, MAX_BODY_BYTES);
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        if (error.status !== 400) res.header('Connection', 'close');
        return refuse(res, error.status, error.message);
      }
      const activity = asActivity(body);
      if (!activity) {
        return refuse(res, 400, 'The body must be a Bot Framework activity (a JSON object with a "type").');
      }
      if (tokens) {
        await tokens.validate(req.headers.authorization, {
          channelId: typeof activity.channelId === 'string' ? activity.channelId : undefined,
          serviceUrl: typeof activity.serviceUrl === 'string' ? activity.serviceUrl : undefined,
        });
      } else if (activity.deliveryMode !== 'expectReplies' && !isLoopbackUrl(activity.serviceUrl)) {
        // Demo mode answers through the serviceUrl only when it is on this machine (no blind SSRF).
        return refuse(res, 400, 'Without a bot id, serviceUrl must be a loopback URL (or use expectReplies).');
      }
      const tooLarge = oversizedActivity(activity);
      if (tooLarge) return refuse(res, 413, tooLarge);
      (req as { body?: unknown }).body = activity;
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof TokenRejected) {
        log.info({ reason: error.reason }, 'token refused');
        return refuse(res, 401, 'Unauthorized');
      }
      if (error instanceof KeysUnavailable) {
        return refuse(res, 503, 'Token validation is unavailable; try again later', {
          'Retry-After': String(error.retryAfterSeconds),
        });
      }
      log.error({ err: error }, 'request failed');
      refuse(res, 500, 'internal error');
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

  await new Promise<void>((resolve) => server.listen(options.port ?? config.PORT, host, resolve));
  const address = server.address();
  const reachable = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
  log.info(
    { url, address: address.address, demoMode: config.demoMode },
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
    checkServing(config, config.BOT_ID ? '0.0.0.0' : '127.0.0.1');
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
  // In demo mode `npm start` trusts the demo tenant's certificate as `npm run dev` does (a re-run of this process
  // with NODE_EXTRA_CA_CERTS), so /readyz sees the tenant; a real tenant starts directly.
  void runTrustingEmulator(() =>
    main().catch((error) => {
      getLogger('server').fatal({ err: error }, 'failed to start');
      process.exit(1);
    }),
  );
}
