/**
 * The one HTTPS server: finds the route, counts the request, applies the fault plan (latency, reset, timeout,
 * error, throttle, ambiguous), checks the bearer token against the API's audiences, parses the body (JSON or
 * form) and writes the handler's reply. Errors go out in the API's own body shape.
 */
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger } from '../logging/logger';
import type { EmulatorCore, RecordedRequest } from './core';
import { entraError } from './identityApi';
import { HttpError, queryMap, type ApiName, type Caller, type Reply, type RequestContext } from './http';
import { verifyEmulatorToken } from './jwt';
import { matchRoute, type Route } from './route';

const log = getLogger('emulator');

const AUDIENCES: Partial<Record<ApiName, string[]>> = {
  graph: ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'],
  bap: ['https://service.powerapps.com', 'https://api.bap.microsoft.com'],
  powerApps: ['https://service.powerapps.com', 'https://api.powerapps.com'],
  flow: ['https://service.flow.microsoft.com', 'https://service.powerapps.com', 'https://api.flow.microsoft.com'],
  powerPlatform: ['https://api.powerplatform.com'],
  keyVault: ['https://vault.azure.net'],
};

const PREFIX_API: Record<string, ApiName> = {
  graph: 'graph',
  bap: 'bap',
  powerapps: 'powerApps',
  powerplatform: 'powerPlatform',
  flow: 'flow',
  dataverse: 'dataverse',
  secrets: 'keyVault',
  control: 'control',
};

export interface EmulatorServer {
  server: https.Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(
  core: EmulatorCore,
  routes: Route[],
  tls: { key: string; cert: string },
  port: number,
): Promise<EmulatorServer> {
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(core, routes, req, res).catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'emulator handler failed');
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, body: serviceError(500) });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function apiOf(path: string): ApiName {
  const first = path.split('/')[1]?.toLowerCase() ?? '';
  return PREFIX_API[first] ?? 'token';
}

async function handle(core: EmulatorCore, routes: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', core.urls.origin);
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(routes, method, url.pathname);
  const api: ApiName = match && 'route' in match ? match.route.api : apiOf(url.pathname);
  core.count(api);

  if (api !== 'control') {
    const faults = core.faults.settingsFor(api, match && 'route' in match ? match.route.name : '');
    // Under a concurrency limit (Dataverse), the latency is the service working on the request: it is spent
    // inside the caller's in-flight window, so a client that keeps too many requests open is refused. Elsewhere
    // it comes first. Every answer waits it exactly once either way.
    const concurrency = faults.throttle?.concurrency;
    let waited = false;
    const wait = async (): Promise<void> => {
      if (waited) return;
      waited = true;
      if (faults.latencyMs) {
        await sleep(faults.latencyMs);
        await core.latencyGate.pass();
      }
    };
    if (!concurrency) await wait();
    const answer = async (reply: Reply, withRequestId = false): Promise<void> => {
      await wait();
      send(res, reply, withRequestId ? req : undefined);
    };
    if (faults.reset && Math.random() < faults.reset) return void req.socket.destroy();
    if (faults.timeout && Math.random() < faults.timeout) return; // never answered; close() ends the socket
    if (faults.error && Math.random() < faults.error.rate) {
      return answer({ status: faults.error.status, body: serviceError(faults.error.status) });
    }
    const body = await readBody(req);
    if (core.recording) core.recording.push(recordOf(req, method, body));
    if (!match) return answer(notFoundReply(api, url));
    if (faults.refuseQuery && url.searchParams.has(faults.refuseQuery)) {
      return answer({
        status: 400,
        body: {
          error: {
            code: 'InvalidQueryParameter',
            message: `The query parameter '${faults.refuseQuery}' is not supported on this resource.`,
          },
        },
      });
    }
    if ('methodNotAllowed' in match) {
      return answer({
        status: 405,
        body: { error: { code: 'MethodNotAllowed', message: `${method} is not allowed here.` } },
      });
    }
    const { route, params } = match;
    const ctx: RequestContext = {
      req,
      res,
      method,
      url,
      params,
      query: queryMap(url),
      body,
      caller: undefined as unknown as Caller,
    };
    try {
      if (route.auth === 'bearer') ctx.caller = authenticate(core, api, ctx);
      if (faults.forbid && route.auth === 'bearer')
        return answer(withdrawnPermission(api, route.name, ctx.caller), true);
      // Per caller, and for Dataverse per caller and org: its limits are per user per server.
      const who = route.auth === 'bearer' ? ctx.caller.oid : (req.socket.remoteAddress ?? '');
      const throttleKey = params.org ? `${api}|${params.org}|${who}` : `${api}|${who}`;
      if (faults.throttle) {
        const retryAfter = core.throttle.take(throttleKey, faults.throttle, route.cost?.(ctx) ?? 1);
        if (retryAfter !== undefined) return answer(throttled(api, retryAfter, faults.throttle));
      }
      if (concurrency && !core.throttle.enter(throttleKey, concurrency)) {
        return answer(throttled(api, 1, faults.throttle!, true));
      }
      let reply: Reply;
      try {
        await wait();
        reply = await route.handle(ctx, core);
      } finally {
        if (concurrency) core.throttle.leave(throttleKey);
      }
      // The ambiguous fault: the write happened, the answer is lost.
      if (faults.ambiguous && reply.status < 300 && Math.random() < faults.ambiguous) return void req.socket.destroy();
      return answer(reply, true);
    } catch (error) {
      if (error instanceof HttpError)
        return answer({ status: error.status, body: error.body, headers: error.headers }, true);
      throw error;
    }
  }

  const body = await readBody(req);
  if (!match || 'methodNotAllowed' in match) return send(res, notFoundReply(api, url));
  const ctx: RequestContext = {
    req,
    res,
    method,
    url,
    params: match.params,
    query: queryMap(url),
    body,
    caller: undefined as unknown as Caller,
  };
  try {
    send(res, await match.route.handle(ctx, core));
  } catch (error) {
    if (error instanceof HttpError)
      return send(res, { status: error.status, body: error.body, headers: error.headers });
    throw error;
  }
}

function authenticate(core: EmulatorCore, api: ApiName, ctx: RequestContext): Caller {
  const header = ctx.req.headers.authorization ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (!token) throw unauthorized(core, api, ctx, 'missing');
  const claims = verifyEmulatorToken(token);
  if (!claims || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now() || claims.tid !== core.tenantId) {
    throw unauthorized(core, api, ctx, 'invalid');
  }
  const aud = normalize(String(claims.aud));
  const accepted =
    api === 'dataverse'
      ? [`${core.urls.dataverseBase}/${ctx.params.org}`, `https://${ctx.params.org}.crm.dynamics.com`]
      : (AUDIENCES[api] ?? []);
  if (!accepted.map(normalize).includes(aud)) throw unauthorized(core, api, ctx, 'audience');
  if (claims.idtyp === 'user') {
    const user = core.state.index.usersById.get(claims.oid);
    if (!user || !user.accountEnabled) throw unauthorized(core, api, ctx, 'invalid');
    return {
      kind: 'user',
      oid: user.id,
      appId: claims.appid,
      upn: user.userPrincipalName,
      isTenantAdmin: false,
      claims,
    };
  }
  const app = core.state.index.appsByAppId.get(claims.appid);
  if (!app) throw unauthorized(core, api, ctx, 'invalid');
  return { kind: 'app', oid: app.servicePrincipalId, appId: app.appId, isTenantAdmin: app.isTenantAdmin, claims };
}

function normalize(value: string): string {
  return value.toLowerCase().replace(/\/+$/, '');
}

function unauthorized(
  core: EmulatorCore,
  api: ApiName,
  ctx: RequestContext,
  why: 'missing' | 'invalid' | 'audience',
): HttpError {
  const authority = `${core.urls.authorityHost}/${core.tenantId}`;
  if (api === 'keyVault') {
    return new HttpError(
      401,
      {
        error: {
          code: 'Unauthorized',
          message:
            why === 'missing' ? 'AKV10000: Request is missing a Bearer or PoP token.' : 'AKV10022: Invalid audience.',
        },
      },
      { 'WWW-Authenticate': `Bearer authorization="${authority}", resource="https://vault.azure.net"` },
    );
  }
  if (api === 'dataverse') {
    return new HttpError(401, '', {
      'WWW-Authenticate': `Bearer authorization_uri=${authority}/oauth2/authorize, resource_id=${core.urls.dataverseBase}/${ctx.params.org}/`,
    });
  }
  if (api === 'graph') {
    const message =
      why === 'missing'
        ? 'Access token is empty.'
        : why === 'audience'
          ? 'Access token validation failure. Invalid audience.'
          : 'Access token validation failure.';
    return new HttpError(401, { error: { code: 'InvalidAuthenticationToken', message } });
  }
  const code =
    why === 'missing'
      ? 'MissingAuthenticationToken'
      : why === 'audience'
        ? 'InvalidAuthenticationTokenAudience'
        : 'InvalidAuthenticationToken';
  return new HttpError(401, {
    error: { code, message: `The access token is ${why === 'missing' ? 'missing' : 'invalid'}.` },
  });
}

/**
 * The `forbid` fault: the answer each service gives a caller that lacks the permission for the request (a service
 * principal not registered as a Power Platform management app, without an application user in the org, without
 * the Graph application permission or the vault role), so the bot's own wording of it can be seen and tested.
 */
function withdrawnPermission(api: ApiName, routeName: string, caller: Caller): Reply {
  const body = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
    error: { code, message, ...extra },
  });
  switch (api) {
    case 'graph':
      return {
        status: 403,
        body: body('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', {
          innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': cryptoId() },
        }),
      };
    case 'dataverse':
      return {
        status: 403,
        body: body('0x80072560', `The user is not a member of the organization. Caller '${caller.oid}'.`),
      };
    case 'keyVault':
      return {
        status: 403,
        body: body(
          'Forbidden',
          `Caller is not authorized to perform action on resource. Caller: appid=${caller.appId};oid=${caller.oid}. Action: 'Microsoft.KeyVault/vaults/secrets/${routeName}'.`,
        ),
      };
    default: {
      const provider =
        api === 'flow'
          ? 'Microsoft.ProcessSimple'
          : api === 'bap'
            ? 'Microsoft.BusinessAppPlatform'
            : 'Microsoft.PowerApps';
      return {
        status: 403,
        body: body(
          'Forbidden',
          `The caller with object id '${caller.oid}' does not have permission for action '${provider}/${routeName}'.`,
        ),
      };
    }
  }
}

function throttled(
  api: ApiName,
  seconds: number,
  budget: { capacity: number; windowMs: number },
  concurrency = false,
): Reply {
  const headers = { 'Retry-After': String(seconds) };
  if (api === 'dataverse') {
    return {
      status: 429,
      headers,
      body: {
        error: concurrency
          ? { code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 52.' }
          : {
              code: '0x80072322',
              message: `Number of requests exceeded the limit of ${budget.capacity} over time window of ${budget.windowMs / 1000} seconds.`,
            },
      },
    };
  }
  if (api === 'token')
    return {
      status: 429,
      headers,
      body: entraError(429, 'temporarily_unavailable', 50196, 'The server is busy.').body,
    };
  return {
    status: 429,
    headers,
    body: {
      error: {
        code: api === 'keyVault' ? 'Throttled' : 'TooManyRequests',
        message: `Rate limit is exceeded. Try again in ${seconds} seconds.`,
      },
    },
  };
}

function serviceError(status: number): unknown {
  const code =
    status === 503
      ? 'ServiceUnavailable'
      : status === 504
        ? 'GatewayTimeout'
        : status === 502
          ? 'BadGateway'
          : 'InternalServerError';
  return { error: { code, message: `The service is temporarily unavailable (${status}, injected fault).` } };
}

function notFoundReply(api: ApiName, url: URL): Reply {
  const message = `No route for ${url.pathname}`;
  if (api === 'graph')
    return {
      status: 400,
      body: { error: { code: 'BadRequest', message: `Resource not found for the segment in ${url.pathname}.` } },
    };
  return { status: 404, body: { error: { code: api === 'token' ? 'NotFound' : 'ResourceNotFound', message } } };
}

/** Headers a replay must not copy: the connection's own. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

function recordOf(req: IncomingMessage, method: string, body: unknown): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const text =
    body === undefined
      ? undefined
      : typeof body === 'string'
        ? body
        : body instanceof URLSearchParams
          ? body.toString()
          : JSON.stringify(body);
  return { method, path: req.url ?? '/', headers, body: text };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) return new URLSearchParams(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, reply: Reply, req?: IncomingMessage): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  const requestId = req?.headers['client-request-id'];
  if (typeof requestId === 'string') headers['client-request-id'] = requestId;
  headers['request-id'] = headers['request-id'] ?? cryptoId();
  if (reply.status === 204 || reply.body === undefined || reply.body === '') {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  // Encoded once: measuring the string and then writing it would encode it twice.
  const payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(payload.length),
    ...headers,
  });
  res.end(payload);
}

let requestSeq = 0;
function cryptoId(): string {
  requestSeq = (requestSeq + 1) % 0xffffffff;
  return `00000000-0000-4000-8000-${requestSeq.toString(16).padStart(12, '0')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
