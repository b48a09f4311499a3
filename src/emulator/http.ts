/**
 * The emulator's HTTP vocabulary: routes, the per-request context, replies, errors in each service's own body
 * shape, and the caller a bearer token stands for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenClaims } from './jwt';

export type ApiName =
  'token' | 'graph' | 'bap' | 'powerApps' | 'powerPlatform' | 'flow' | 'dataverse' | 'keyVault' | 'control';

export interface Caller {
  kind: 'app' | 'user';
  /** Object id: the user's, or the app's service principal's. */
  oid: string;
  /** Client id the token was issued to. */
  appId: string;
  upn?: string;
  /** The demo bot's app: Graph application permissions and Power Platform admin. */
  isTenantAdmin: boolean;
  claims: TokenClaims;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  params: Record<string, string>;
  /** Query options by lower-cased name ($top, api-version…). */
  query: Map<string, string>;
  body: unknown;
  /** Set by the server after the bearer token was checked (routes with auth). */
  caller: Caller;
}

/** An error answered in the service's shape; thrown by handlers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** `{"error":{"code","message"}}`: the shape Graph, Power Platform, Flow, Dataverse and Key Vault share. */
export function apiError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): HttpError {
  return new HttpError(status, { error: { code, message, ...extra } });
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

export function queryMap(url: URL): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of url.searchParams) map.set(key.toLowerCase(), value);
  return map;
}

/** The request's body as an object (JSON), or an error in the API's shape. */
export function jsonBody(ctx: RequestContext): Record<string, unknown> {
  if (ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body)) return ctx.body as Record<string, unknown>;
  throw apiError(400, 'BadRequest', 'The request body must be a JSON object.');
}
