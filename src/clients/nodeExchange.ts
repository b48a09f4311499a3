/**
 * One HTTP exchange on Node's own http/https modules, for the transport when no proxy is configured. axios spent
 * ~0.2 ms of CPU per request on its config merging, header objects, interceptors and stream wrappers, which on a
 * maker's turn of a handful of reads was a large part of what the turn cost; this path keeps what the tenant APIs
 * need and nothing else: keep-alive sockets shared by every client, one TLS secure context, a hard deadline per
 * attempt, compressed answers decoded, redirects not followed, every status a response. A transport failure rejects
 * with an Error carrying the socket's code (ECONNRESET, ECONNREFUSED, ETIMEDOUT…).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import * as zlib from 'node:zlib';

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Already serialised. */
  body?: string;
  timeoutMs: number;
}

export interface ExchangeResponse {
  status: number;
  /** Names in lower case, as Node gives them. */
  headers: Record<string, unknown>;
  /** The body decoded to text ('' when empty). */
  text: string;
}

// Made on first use, not when this module loads, so that a thread can add a certificate authority first
// (threadTrust.ts); the secure context is shared for the reason given in transport.ts.
let agents: { http: http.Agent; https: https.Agent } | undefined;
function agentFor(protocol: string): http.Agent {
  agents ??= {
    http: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    https: new https.Agent({ keepAlive: true, scheduling: 'lifo', secureContext: tls.createSecureContext() }),
  };
  return protocol === 'https:' ? agents.https : agents.http;
}

function failure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

// As axios does: a truncated compressed answer is decoded as far as it goes instead of failing.
const LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

function decode(body: Buffer, encoding: string): Buffer {
  if (!body.length) return body;
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body, LENIENT);
    case 'deflate':
      // "deflate" is zlib-wrapped by the standard and raw by some servers: the first byte tells them apart.
      return (body[0] & 0x0f) === 0x08 ? zlib.inflateSync(body, LENIENT) : zlib.inflateRawSync(body, LENIENT);
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      return body;
  }
}

export function exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      reject(failure('ERR_INVALID_URL', `invalid URL: ${request.url.split('?')[0]}`));
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'Accept-Encoding': 'gzip, deflate, br', ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
    let settled = false;
    const settle = (error: Error | undefined, response?: ExchangeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else resolve(response as ExchangeResponse);
    };
    const outgoing = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: request.method, headers, agent: agentFor(url.protocol) },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', (error: NodeJS.ErrnoException) =>
          settle(failure(error.code ?? 'ECONNRESET', error.message)),
        );
        incoming.on('aborted', () => settle(failure('ECONNRESET', 'the connection closed before the answer ended')));
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 0;
          const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          const encoding = String(incoming.headers['content-encoding'] ?? '').toLowerCase();
          let body: Buffer;
          try {
            body = request.method === 'HEAD' || status === 204 || status === 304 ? raw : decode(raw, encoding);
          } catch (error) {
            settle(failure('Z_DATA_ERROR', error instanceof Error ? error.message : 'the answer could not be decoded'));
            return;
          }
          settle(undefined, {
            status,
            headers: incoming.headers as Record<string, unknown>,
            text: body.toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(
      () => settle(failure('ETIMEDOUT', `timeout of ${request.timeoutMs}ms exceeded`)),
      request.timeoutMs,
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle(failure(error.code ?? 'ERR_NETWORK', error.message)));
    outgoing.end(request.body);
  });
}
