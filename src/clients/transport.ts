/**
 * One HTTP exchange over Node's own http/https modules, with the settings the tenant APIs need: keep-alive sockets
 * shared by every client, one TLS secure context, a hard deadline per attempt, compressed answers decoded (gzip,
 * deflate, br), JSON bodies parsed (a body that is not JSON comes back as text, an empty one as ''). Every status is
 * a response, redirects are not followed; only a transport failure throws, as a TransportError carrying the socket's
 * code (ECONNRESET, ECONNREFUSED, ETIMEDOUT…).
 *
 * Not through a general-purpose client library: the tenant scan sends thousands of requests, and per request such a
 * library merges configs, normalises headers and wraps streams, which cost the scanner more CPU than the HTTP work
 * itself (see bench/RESULTS.md, "scan ratio to raw replay"). What is kept here is what the HTTP layer relies on.
 * Node's modules ignore HTTPS_PROXY / HTTP_PROXY: where one is set, requests go through ./proxiedTransport instead.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { proxyConfiguredFor, sendThroughProxy } from './proxiedTransport';
import { parseBody, TransportError, type TransportRequest, type TransportResponse } from './transportContract';

export { TransportError, type TransportRequest, type TransportResponse } from './transportContract';

interface Agents {
  http: http.Agent;
  https: https.Agent;
}

// Sockets stay open between requests (the scan sends thousands to the same hosts). One secure context (the default
// trust store, NODE_EXTRA_CA_CERTS included) serves every connection: without it each new TLS socket builds its own
// from the whole root store, which at the scan's few hundred parallel connections cost more CPU than the handshakes.
// Made on first use, not when this module loads, so that a thread can add a certificate authority first
// (threadTrust.ts).
let shared: Agents | undefined;
function agents(): Agents {
  shared ??= {
    http: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    https: new https.Agent({ keepAlive: true, scheduling: 'lifo', secureContext: tls.createSecureContext() }),
  };
  return shared;
}

const ACCEPT_ENCODING = 'gzip, deflate, br';
const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

export function send(request: TransportRequest): Promise<TransportResponse> {
  if (proxyConfiguredFor(request.url)) return sendThroughProxy(request);
  return new Promise<TransportResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      reject(new TransportError('ERR_INVALID_URL', `invalid URL`));
      return;
    }
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new TransportError('ERR_BAD_REQUEST', `unsupported protocol ${url.protocol}`));
      return;
    }
    const body =
      request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    const headers: Record<string, string | number> = { 'Accept-Encoding': ACCEPT_ENCODING, ...request.headers };
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);

    let settled = false;
    const fail = (code: string, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new TransportError(code, message));
    };
    const options: https.RequestOptions = {
      method: request.method,
      headers,
      agent: secure ? agents().https : agents().http,
    };
    let outgoing: http.ClientRequest;
    try {
      outgoing = (secure ? https : http).request(url, options, onResponse);
    } catch (error) {
      // Refused before anything was sent (a header value Node will not write, say).
      const failure = error as NodeJS.ErrnoException;
      reject(new TransportError(failure.code ?? 'ERR_BAD_REQUEST', failure.message));
      return;
    }
    // The deadline covers the whole attempt (connect, send, read). One timer, cleared with the answer.
    const timer = setTimeout(() => {
      fail('ETIMEDOUT', `timeout of ${request.timeoutMs}ms exceeded`);
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_NETWORK', error.message));
    outgoing.end(body);

    function onResponse(response: http.IncomingMessage): void {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_NETWORK', error.message));
      response.on('aborted', () => fail('ECONNRESET', 'the connection closed before the answer was complete'));
      response.on('end', () => {
        if (settled) return;
        decode(Buffer.concat(chunks), response.headers['content-encoding']).then(
          (text) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, headers: response.headers, data: parseBody(text) });
          },
          (error: NodeJS.ErrnoException) =>
            fail(error.code ?? 'ERR_BAD_RESPONSE', 'the answer could not be decompressed'),
        );
      });
    }
  });
}

/** The answer's text, decompressed as its Content-Encoding says. */
async function decode(raw: Buffer, encoding: string | undefined): Promise<string> {
  if (!raw.length) return '';
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return (await gunzip(raw)).toString('utf8');
    case 'deflate':
      // Servers send deflate either zlib-wrapped (as the standard says) or raw: a zlib header starts 0x?8.
      return ((raw[0] & 0x0f) === 0x08 ? await inflate(raw) : await inflateRaw(raw)).toString('utf8');
    case 'br':
      return (await brotli(raw)).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}
