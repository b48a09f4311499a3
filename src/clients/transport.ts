/**
 * One HTTP exchange, through axios with the settings the tenant APIs need: keep-alive sockets shared by every client,
 * one TLS secure context, a hard deadline per attempt, compressed answers decoded, JSON bodies parsed (a body that
 * is not JSON comes back as text, an empty one as ''). Every status is a response, redirects are not followed; only
 * a transport failure throws, as a TransportError carrying the socket's code (ECONNRESET, ECONNREFUSED, ETIMEDOUT…).
 */
import axios, { type AxiosError, type AxiosInstance, type GenericAbortSignal } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Sockets stay open between requests (the scan sends thousands to the same hosts). One secure context (the default
// trust store, NODE_EXTRA_CA_CERTS included) serves every connection: without it each new TLS socket builds its own
// from the whole root store, which at the scan's few hundred parallel connections cost more CPU than the handshakes.
// Made on first use, not when this module loads, so that a thread can add a certificate authority first
// (threadTrust.ts).
let shared: AxiosInstance | undefined;
function client(): AxiosInstance {
  if (shared) return shared;
  shared = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    httpsAgent: new https.Agent({ keepAlive: true, scheduling: 'lifo', secureContext: tls.createSecureContext() }),
    // Named, so axios does not look for XMLHttpRequest first on every request (and never picks fetch).
    adapter: 'http',
    // axios looks for a proxy in the environment on every request (half a dozen variable reads and a URL match).
    // With none configured when the first client is made there is nothing to find: say so once. When one is set,
    // axios keeps honouring it (and NO_PROXY) per request as before.
    proxy: environmentNamesAProxy() ? undefined : false,
    validateStatus: () => true,
    maxRedirects: 0,
    // The body is parsed here once, as text first: axios's own JSON transform would try (and on big lists repeat)
    // work the retry rules do not need, and an answer that is not JSON must reach the error mapping as it came.
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // Bodies arrive here as strings already (send stringifies): axios's default transform would parse a JSON string
    // again to check it before sending it unchanged.
    transformRequest: [(data: unknown) => data],
  });
  // Flat defaults instead of axios's per-method buckets (common, get, post…), which every request otherwise merges
  // and flattens again; the HTTP layer sends Accept and Content-Type itself. With the lighter per-request config
  // below, axios's share of a request went from ~32 to ~16 µs (3,000 requests a scan).
  Object.assign(shared.defaults, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  return shared;
}

function environmentNamesAProxy(): boolean {
  return ['http_proxy', 'https_proxy', 'all_proxy'].some(
    (name) => process.env[name] || process.env[name.toUpperCase()],
  );
}

export async function send(request: TransportRequest): Promise<TransportResponse> {
  // The deadline for the whole attempt (connect, send, read): axios's own `timeout` only watches the socket's
  // idleness, so a server that trickles bytes would never time out.
  const deadline = new Deadline(request.timeoutMs);
  try {
    const response = await client().request<string>({
      method: request.method,
      url: request.url,
      data:
        request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
      headers: request.headers,
      signal: deadline,
    });
    return {
      status: response.status,
      headers: response.headers as Record<string, unknown>,
      data: parseBody(response.data),
    };
  } catch (error) {
    const failure = error as AxiosError;
    const code =
      failure.code === 'ERR_CANCELED'
        ? 'ETIMEDOUT'
        : (failure.code ?? (failure.cause as { code?: string })?.code ?? 'ERR_NETWORK');
    const message = code === 'ETIMEDOUT' ? `timeout of ${request.timeoutMs}ms exceeded` : failure.message;
    throw new TransportError(code, message);
  } finally {
    deadline.clear();
  }
}

/**
 * A timer axios can listen to as it listens to an AbortSignal (axios accepts any GenericAbortSignal: it reads
 * `aborted` and adds one 'abort' listener). An AbortController costs more per request than the rest of this file
 * (it builds a DOM-style EventTarget); the exchange needs only one listener and one timer, cleared with the answer.
 */
class Deadline implements GenericAbortSignal {
  aborted = false;
  private listener: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.listener?.();
    }, ms);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(): void {
    this.listener = undefined;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

function parseBody(body: string | undefined): unknown {
  if (!body) return '';
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
