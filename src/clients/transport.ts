/**
 * One HTTP exchange over node:https (or node:http for loopback test servers): keep-alive sockets, a deadline per
 * attempt, gzip/deflate/br answers decompressed, JSON bodies parsed (a body that is not JSON comes back as text,
 * an empty one as ''). Every status is a response, redirects are not followed; only a transport failure throws, as a
 * TransportError carrying the socket's code (ECONNRESET, ECONNREFUSED, ETIMEDOUT…).
 *
 * It replaces axios on the request path: the tenant scan makes thousands of requests, and axios's per-request
 * machinery (config merging, header objects, interceptor chains, transforms) was the largest item of the scanner's
 * CPU profile after the JSON parse itself.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

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

// Sockets stay open between requests (the scan sends thousands to the same hosts); TLS sessions are resumed. One
// secure context (the default trust store, NODE_EXTRA_CA_CERTS included) serves every connection: without it each
// new TLS socket builds its own from the whole root store, which at the scan's few hundred parallel connections
// cost more CPU than the handshakes themselves.
const agents = {
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo', secureContext: tls.createSecureContext() }),
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

const decoders: Record<string, (input: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

export function send(request: TransportRequest): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const agent = url.protocol === 'http:' ? agents['http:'] : agents['https:'];
    const lib = url.protocol === 'http:' ? http : https;
    const payload =
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body);
    const headers: Record<string, string> = { 'Accept-Encoding': 'gzip, deflate, br', ...request.headers };
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));

    let settled = false;
    const fail = (code: string, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new TransportError(code, message));
    };
    const req = lib.request(url, { method: request.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ECONNRESET', error.message));
      res.on('aborted', () => fail('ECONNRESET', 'the response was cut off'));
      res.on('end', () => {
        if (settled) return;
        const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        const encoding = String(res.headers['content-encoding'] ?? '')
          .trim()
          .toLowerCase();
        const decode = raw.length && decoders[encoding] ? decoders[encoding](raw) : Promise.resolve(raw);
        decode.then(
          (body) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, data: parseBody(body) });
          },
          (error: Error) => fail('ERR_BAD_RESPONSE', `could not decompress the answer (${error.message})`),
        );
      });
    });
    // A deadline for the whole attempt (connect, send, wait, read), not just socket inactivity.
    const timer = setTimeout(() => {
      fail('ETIMEDOUT', `timeout of ${request.timeoutMs}ms exceeded`);
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_NETWORK', error.message));
    req.end(payload);
  });
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return '';
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
