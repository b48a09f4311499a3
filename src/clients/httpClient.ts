/**
 * The one HTTP layer every REST client goes through (./transport, over node:https): a bearer token per scope, a
 * correlation id per logical request (sent as client-request-id / x-ms-correlation-request-id and logged), per-API concurrency limits
 * (p-limit), a timeout per attempt, retries with jittered exponential backoff that honour Retry-After within a
 * budget, and typed errors (TenantApiError) carrying the service's own code.
 *
 * Retry rules: GET and writes the caller marks idempotent (a PUT of a whole object, modifyPermissions) are retried on
 * 429/502/503/504 and network failures. Other writes (addPassword) are never sent twice once they may have reached
 * the service: a lost response, a timeout or a gateway error (502/504) is reported as kind `outcomeUnknown` so the
 * caller reconciles by reading. They are retried only when the service demonstrably did not act: a 429 (the
 * throttle refuses before processing), a refused connection, or a 401 answered before the token was renewed.
 */
import { randomUUID } from 'node:crypto';
import pLimit, { type Limit } from 'p-limit';
import { getLogger } from '../logging/logger';
import { errorFromResponse, networkError, type ErrorContext } from './errorMapping';
import {
  backoffMs,
  defaultRetryPolicy,
  RETRYABLE_NETWORK_CODES,
  RETRYABLE_STATUSES,
  retryAfterMs,
  type RetryPolicy,
} from './retryPolicy';
import { TokenProvider, type CredentialSource } from './tokenProvider';
import { currentPatienceMs } from '../tenant/patience';
import { send, TransportError, type TransportResponse } from './transport';

const log = getLogger('clients.http');

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpClientOptions {
  /** Timeout of one attempt. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Concurrent requests per API name (graph, powerApps, dataverse…); defaults in DEFAULT_MAX_CONCURRENT. */
  maxConcurrent?: Record<string, number>;
  /** Test seams. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RequestSpec {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  /** Short name for logs and error messages; defaults to "METHOD /path". */
  operation?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A write that has the same effect when sent twice, so it may be retried like a GET. */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "find" methods). */
  acceptStatuses?: number[];
  correlationId?: string;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
  correlationId: string;
}

/**
 * Requests in flight per API (Dataverse: per org). What bounds these services is their token buckets, which answer
 * 429 + Retry-After (honoured below), not the number of open requests, except Dataverse's 52 concurrent requests
 * per user per server: 16 per org stays well inside it. The high limits matter for the tenant scan, whose
 * environments each page through their connections and flows one page after the other: with 25 ms per request,
 * 1,000 connection pages take 3 s through 8 slots and half a second through 48.
 */
export const DEFAULT_MAX_CONCURRENT: Record<string, number> = {
  graph: 64,
  powerApps: 48,
  flow: 48,
  dataverse: 16,
  default: 8,
};

/** Network failures after which the request certainly never reached the service. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

type Attempt = { type: 'response'; response: TransportResponse } | { type: 'network'; code: string; detail: string };

export class HttpClient {
  private readonly tokens: TokenProvider;
  private readonly limiters = new Map<string, Limit>();
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    credential: CredentialSource,
    private readonly options: HttpClientOptions = {},
  ) {
    this.tokens = new TokenProvider(credential);
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** A client bound to one API and token scope; `limiterKey` separates limits (e.g. one per Dataverse org). */
  api(name: string, scope: string, limiterKey: string = name, hosts: ServiceHosts = {}): ApiClient {
    return new ApiClient(this, name, scope, limiterKey, hosts);
  }

  private limiter(key: string, api: string): Limit {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      const max =
        this.options.maxConcurrent?.[api] ??
        this.options.maxConcurrent?.default ??
        DEFAULT_MAX_CONCURRENT[api] ??
        DEFAULT_MAX_CONCURRENT.default;
      limiter = pLimit(max);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  async request<T>(api: string, scope: string, limiterKey: string, spec: RequestSpec): Promise<HttpResponse<T>> {
    const correlationId = spec.correlationId ?? randomUUID();
    const path = safePath(spec.url);
    const context: ErrorContext = { api, operation: spec.operation ?? `${spec.method} ${path}`, correlationId };
    const safe = spec.method === 'GET' || spec.idempotent === true;
    let started = Date.now();
    let refreshedToken = false;
    let waitedOut = false;

    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.token(scope, api);
      const remaining = this.retry.maxTotalMs - (Date.now() - started);
      const timeout = Math.max(1, Math.min(this.timeoutMs, remaining));
      const sentAt = Date.now();
      const outcome = await this.limiter(limiterKey, api)(() => this.send(spec, token, correlationId, timeout));
      const elapsed = Date.now() - started;

      if (outcome.type === 'response') {
        const { status } = outcome.response;
        const headers = outcome.response.headers as Record<string, unknown>;
        log.debug(
          { api, method: spec.method, path, status, attempt, correlationId, ms: Date.now() - sentAt },
          'request',
        );
        if ((status >= 200 && status < 300) || spec.acceptStatuses?.includes(status)) {
          return { status, data: outcome.response.data as T, headers, correlationId };
        }
        if (status === 401 && !refreshedToken) {
          // A token revoked or rotated since we cached it: renew once; a 401 means nothing was applied.
          refreshedToken = true;
          this.tokens.invalidate(scope);
          continue;
        }
        const hint = retryAfterMs(headers);
        if (!safe && (status === 502 || status === 504)) {
          log.warn({ api, path, status, correlationId }, 'non-idempotent write got a gateway error: not retried');
          throw networkError(context, `HTTP_${status}`, 'outcomeUnknown', 'gateway error', status);
        }
        const retryable = RETRYABLE_STATUSES.has(status) && (safe || status === 429);
        if (retryable) {
          const wait = this.waitFor(attempt, hint);
          if (attempt < this.retry.maxAttempts && elapsed + wait <= this.retry.maxTotalMs) {
            log.warn({ api, path, status, attempt, waitMs: wait, correlationId }, 'retrying after a transient answer');
            await this.sleep(wait);
            continue;
          }
          // Dataverse's service protection can ask for minutes (its window is 300 s), longer than the budget: a job
          // waits it out (once per request), a turn does not. The other APIs' waits are seconds, inside the budget.
          if (
            status === 429 &&
            api === 'dataverse' &&
            hint !== undefined &&
            !waitedOut &&
            hint <= currentPatienceMs()
          ) {
            waitedOut = true;
            log.warn({ api, path, status, waitMs: wait, correlationId }, 'waiting out a long Retry-After (job)');
            await this.sleep(wait);
            started = Date.now();
            continue;
          }
        }
        const error = errorFromResponse(context, status, outcome.response.data, hint);
        log.warn({ api, path, status, code: error.code, attempt, correlationId }, 'request failed');
        throw error;
      }

      const { code, detail } = outcome;
      log.debug({ api, method: spec.method, path, code, attempt, correlationId }, 'network failure');
      const notSent = NOT_SENT_CODES.has(code);
      if (!safe && !notSent) {
        const error = networkError(context, code, 'outcomeUnknown', detail);
        log.warn({ api, path, code, correlationId }, 'non-idempotent write lost its response: not retried');
        throw error;
      }
      if (RETRYABLE_NETWORK_CODES.has(code)) {
        const wait = this.waitFor(attempt, undefined);
        if (attempt < this.retry.maxAttempts && elapsed + wait <= this.retry.maxTotalMs) {
          log.warn({ api, path, code, attempt, waitMs: wait, correlationId }, 'retrying after a network failure');
          await this.sleep(wait);
          continue;
        }
      }
      const kind = TIMEOUT_CODES.has(code) ? 'timeout' : 'unavailable';
      log.warn({ api, path, code, attempt, correlationId }, 'request failed');
      throw networkError(context, code, kind, detail);
    }
  }

  private waitFor(attempt: number, hint: number | undefined): number {
    if (hint === undefined) return backoffMs(attempt, this.retry, this.random);
    // The server's wait, plus a little jitter so that throttled callers do not come back in lockstep.
    return Math.round(hint + this.random() * Math.min(1000, hint * 0.1));
  }

  private async send(spec: RequestSpec, token: string, correlationId: string, timeout: number): Promise<Attempt> {
    // One headers object, filled in place (the scan sends 3,000 requests; spreads made three objects each).
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.headers) Object.assign(headers, spec.headers);
    headers.Authorization = `Bearer ${token}`;
    headers['client-request-id'] = correlationId;
    headers['x-ms-client-request-id'] = correlationId;
    headers['x-ms-correlation-request-id'] = correlationId;
    try {
      const response = await send({ method: spec.method, url: spec.url, body: spec.body, timeoutMs: timeout, headers });
      return { type: 'response', response };
    } catch (error) {
      const code = error instanceof TransportError ? error.code : 'ERR_NETWORK';
      // Only the transport's one-line reason, never the request (and so any body).
      const detail = error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : '';
      return { type: 'network', code, detail };
    }
  }
}

/** Which other hosts serve an API with the same token audience (next-page links may point there). */
export interface ServiceHosts {
  /** Subdomains of the API's own host (https://<region>.api.flow.microsoft.com), any port. */
  regionalSubdomains?: boolean;
  /** More host names, any port (the emulator's alias). */
  extraHosts?: readonly string[];
}

/** Calls to one API with one token scope. */
export class ApiClient {
  constructor(
    private readonly http: HttpClient,
    readonly name: string,
    readonly scope: string,
    private readonly limiterKey: string,
    readonly hosts: ServiceHosts = {},
  ) {}

  request<T>(spec: RequestSpec): Promise<HttpResponse<T>> {
    return this.http.request<T>(this.name, this.scope, this.limiterKey, spec);
  }

  async get<T>(url: string, options: Omit<RequestSpec, 'method' | 'url'> = {}): Promise<T> {
    return (await this.request<T>({ ...options, method: 'GET', url })).data;
  }

  /** GET that answers undefined on 404 instead of throwing. */
  async find<T>(url: string, options: Omit<RequestSpec, 'method' | 'url'> = {}): Promise<T | undefined> {
    const response = await this.request<T>({ ...options, method: 'GET', url, acceptStatuses: [404] });
    return response.status === 404 ? undefined : response.data;
  }
}

/** Path without the query string, for logs (queries are harmless but long). */
function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0];
  }
}
