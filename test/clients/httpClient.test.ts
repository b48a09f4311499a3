/**
 * The HTTP layer's own rules against a scripted loopback server (each test says what the server answers): retry on
 * 429 honouring Retry-After, give-up after the budget, no second send of a non-idempotent write, token renewal on
 * 401, correlation ids, concurrency limits and paging. The same rules against the emulator's fault injection live in
 * faults.test.ts.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/clients/httpClient';
import { collect, paginate } from '../../src/clients/paginate';
import { TenantApiError } from '../../src/tenant/errors';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

describe('HttpClient', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let requests: IncomingMessage[];
  let tokensIssued: number;

  const credential: TokenCredential = {
    getToken: async (): Promise<AccessToken> => {
      tokensIssued += 1;
      return { token: `token-${tokensIssued}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const client = (options: ConstructorParameters<typeof HttpClient>[1] = {}) =>
    new HttpClient(credential, {
      retry: { maxAttempts: 4, maxTotalMs: 3000, baseDelayMs: 5, maxDelayMs: 20 },
      timeoutMs: 1000,
      ...options,
    }).api('test', 'https://example.test/.default');

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      handler(req, res, requests.length);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
    tokensIssued = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  it('waits as told by Retry-After on 429 and then succeeds, with one correlation id across attempts', async () => {
    handler = (_req, res, n) =>
      n === 1
        ? json(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'Retry-After': '0.2' })
        : json(res, 200, { ok: true });
    const waits: number[] = [];
    const recorded = client({ sleep: async (ms) => void waits.push(ms) });
    expect(await recorded.get(`${base}/x`)).toEqual({ ok: true });
    // The server's 200 ms plus at most 10 % jitter.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(200);
    expect(waits[0]).toBeLessThanOrEqual(220);
    expect(requests).toHaveLength(2);
    const ids = requests.map((r) => r.headers['client-request-id']);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(requests[0].headers['x-ms-correlation-request-id']).toBe(ids[0]);
    expect(requests[0].headers.authorization).toBe('Bearer token-1');
  });

  it('gives up after its attempts with a typed unavailable error carrying the service code', async () => {
    handler = (_req, res) => json(res, 503, { error: { code: 'ServiceUnavailable', message: 'down' } });
    const error = await client()
      .get(`${base}/x`)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TenantApiError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'ServiceUnavailable', status: 503, api: 'test' });
    expect(requests).toHaveLength(4);
  });

  it('gives up at once when Retry-After is beyond the time budget, reporting the wait', async () => {
    handler = (_req, res) => json(res, 429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '60' });
    const error = await client()
      .get(`${base}/x`)
      .catch((e) => e);
    expect(error).toMatchObject({ kind: 'throttled', retryAfterMs: 60_000 });
    expect(requests).toHaveLength(1);
  });

  it('never sends a non-idempotent write twice when its response is lost', async () => {
    handler = (req) => req.socket.destroy();
    const error = await client()
      .request({ method: 'POST', url: `${base}/addPassword`, body: { secret: 'x' } })
      .catch((e) => e);
    expect(error).toMatchObject({ kind: 'outcomeUnknown', outcomeUnknown: true });
    expect(requests).toHaveLength(1);
  });

  it('reports a timed-out non-idempotent write as outcomeUnknown, and retries an idempotent one', async () => {
    handler = (_req, res, n) => (n === 1 ? undefined : json(res, 200, { ok: n }));
    const fast = client({ timeoutMs: 100 });
    const lost = await fast.request({ method: 'POST', url: `${base}/w`, body: {} }).catch((e) => e);
    expect(lost.kind).toBe('outcomeUnknown');
    expect(requests).toHaveLength(1);

    requests = [];
    const put = await fast.request({ method: 'PUT', url: `${base}/w`, body: {}, idempotent: true });
    expect(put.data).toEqual({ ok: 2 });
    expect(requests).toHaveLength(2);
  });

  it('does not retry a non-idempotent write on 503 or a client error', async () => {
    handler = (_req, res) => json(res, 503, { error: { code: 'ServiceUnavailable' } });
    const error = await client()
      .request({ method: 'POST', url: `${base}/w`, body: {} })
      .catch((e) => e);
    expect(error.kind).toBe('unavailable');
    expect(requests).toHaveLength(1);
  });

  it('renews the token once after a 401', async () => {
    handler = (req, res) =>
      req.headers.authorization === 'Bearer token-1'
        ? json(res, 401, { error: { code: 'InvalidAuthenticationToken' } })
        : json(res, 200, { ok: true });
    expect(await client().get(`${base}/x`)).toEqual({ ok: true });
    expect(tokensIssued).toBe(2);
  });

  it('keeps no more requests in flight per API than its limit', async () => {
    let inFlight = 0;
    let peak = 0;
    handler = (_req, res) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        json(res, 200, {});
      }, 20);
    };
    const limited = client({ maxConcurrent: { test: 2 } });
    await Promise.all(Array.from({ length: 8 }, () => limited.get(`${base}/x`)));
    expect(peak).toBe(2);
  });

  it('pages through nextLink or @odata.nextLink and refuses a link to another host', async () => {
    handler = (req, res) => {
      const page = Number(new URL(req.url!, base).searchParams.get('page') ?? '1');
      if (page === 1) json(res, 200, { value: [1, 2], nextLink: `${base}/list?page=2` });
      else if (page === 2) json(res, 200, { value: [3], '@odata.nextLink': `${base}/list?page=3` });
      else if (page === 3) json(res, 200, { value: [4] });
      else json(res, 200, { value: [5], nextLink: 'https://elsewhere.example/list?page=5' });
    };
    expect(await collect(paginate<number>(client(), `${base}/list`))).toEqual([1, 2, 3, 4]);
    const error = await collect(paginate<number>(client(), `${base}/list?page=4`)).catch((e) => e);
    expect(error).toMatchObject({ code: 'ForeignNextLink' });
  });
});
