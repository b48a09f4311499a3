/**
 * The transport under the HTTP layer against a scripted loopback server: JSON parsed, compressed answers
 * decompressed, text and empty bodies passed through, every status a response, and transport failures (deadline,
 * refused connection, reset) as TransportError codes the retry rules know.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { send, TransportError } from '../../src/clients/transport';

describe('transport', () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => handler(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = (path: string, timeoutMs = 1000) =>
    send({ method: 'GET', url: `${base}${path}`, headers: {}, timeoutMs });

  it('sends a JSON body and parses a JSON answer, gzip or not', async () => {
    handler = (req, res, body) => {
      const answer = JSON.stringify({ echo: JSON.parse(body), encoding: req.headers['accept-encoding'] });
      if (req.url === '/gzip') {
        res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(gzipSync(answer));
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(answer);
      }
    };
    for (const path of ['/plain', '/gzip']) {
      const response = await send({
        method: 'POST',
        url: `${base}${path}`,
        headers: {},
        body: { a: 1 },
        timeoutMs: 1000,
      });
      expect(response.status).toBe(path === '/gzip' ? 201 : 200);
      expect(response.data).toEqual({ echo: { a: 1 }, encoding: 'gzip, deflate, br' });
      expect(response.headers['content-type']).toBe('application/json');
    }
  });

  it('answers text as text, an empty body as an empty string, and never follows a redirect', async () => {
    // writeHead and end apart: restify (loaded by other suites in the same worker) patches writeHead to return nothing.
    handler = (req, res) => {
      if (req.url === '/text') return res.end('not json');
      res.writeHead(req.url === '/empty' ? 204 : 302, req.url === '/empty' ? {} : { Location: '/text' });
      res.end();
    };
    expect((await get('/text')).data).toBe('not json');
    expect(await get('/empty')).toMatchObject({ status: 204, data: '' });
    expect(await get('/moved')).toMatchObject({ status: 302, data: '' });
  });

  it('holds the deadline for the whole attempt, even while the server keeps the socket busy', async () => {
    // A byte every 20 ms: a socket-idleness timeout would never fire, the attempt's deadline must.
    handler = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      const drip = setInterval(() => res.write('1,'), 20);
      res.on('close', () => clearInterval(drip));
      setTimeout(() => res.end('1]'), 600);
    };
    await expect(get('/drip', 150)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('fails with ETIMEDOUT past its deadline, ECONNRESET on a reset and ECONNREFUSED with no server', async () => {
    handler = (req, res) => {
      if (req.url === '/reset') req.socket.destroy();
      else setTimeout(() => res.end('{}'), 300);
    };
    await expect(get('/slow', 50)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await expect(get('/reset')).rejects.toMatchObject({ code: 'ECONNRESET' });
    const refused = await send({ method: 'GET', url: 'http://127.0.0.1:1/', headers: {}, timeoutMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('transport behind a proxy', () => {
  // The transport decides once, when its client is made, whether the environment names a proxy: a fresh module per
  // case, with the environment set before its first request.
  const names = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY'];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  let proxy: Server;
  let proxied: string[];
  let proxyUrl: string;

  beforeAll(async () => {
    proxied = [];
    proxy = createServer((req, res) => {
      proxied.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"via":"proxy"}');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  const freshSend = (): typeof send => {
    let fresh: typeof send | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      fresh = (require('../../src/clients/transport') as typeof import('../../src/clients/transport')).send;
    });
    return fresh!;
  };

  it('sends through HTTP_PROXY when the environment names one', async () => {
    for (const name of names) delete process.env[name];
    process.env.HTTP_PROXY = proxyUrl;
    const response = await freshSend()({
      method: 'GET',
      url: 'http://tenant.invalid/connections',
      headers: {},
      timeoutMs: 1000,
    });
    expect(response.data).toEqual({ via: 'proxy' });
    expect(proxied).toContain('http://tenant.invalid/connections');
  });
});
