/**
 * The transport through a forward proxy, for networks that reach the tenant APIs only through one: when
 * HTTPS_PROXY / HTTP_PROXY (or their lower-case forms) is set, requests go through axios, which honours those
 * variables and NO_PROXY. Same contract as ./transport (every status a response, redirects not followed, JSON
 * parsed, compressed answers decoded, transport failures as TransportError codes); only the route differs.
 */
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { parseBody, TransportError, type TransportRequest, type TransportResponse } from './transportContract';

/** Whether a proxy is configured for this URL's protocol (NO_PROXY is left to axios). */
export function proxyConfiguredFor(url: string): boolean {
  const env = process.env;
  return url.startsWith('https:')
    ? Boolean(env.HTTPS_PROXY || env.https_proxy)
    : Boolean(env.HTTP_PROXY || env.http_proxy);
}

// Made on first use, as in ./transport, so that a thread can add a certificate authority first (threadTrust.ts).
let shared: AxiosInstance | undefined;
function client(): AxiosInstance {
  if (shared) return shared;
  shared = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    httpsAgent: new https.Agent({ keepAlive: true, scheduling: 'lifo', secureContext: tls.createSecureContext() }),
    validateStatus: () => true,
    maxRedirects: 0,
    // Text first: an answer that is not JSON must reach the error mapping as it came.
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });
  Object.assign(shared.defaults, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  return shared;
}

export async function sendThroughProxy(request: TransportRequest): Promise<TransportResponse> {
  // The abort is the deadline for the whole attempt (connect, send, read); one timer, cleared with the answer.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
  try {
    const response = await client().request<string>({
      method: request.method,
      url: request.url,
      data:
        request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
      headers: request.headers,
      timeout: request.timeoutMs,
      signal: deadline.signal,
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
    clearTimeout(timer);
  }
}
