/**
 * The transport under the HTTP layer against a scripted loopback server: JSON parsed, compressed answers
 * decompressed, text and empty bodies passed through, every status a response, and transport failures (deadline,
 * refused connection, reset) as TransportError codes the retry rules know; with HTTP_PROXY set, through that proxy.
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

  it('goes through the forward proxy HTTP_PROXY names, with the same contract', async () => {
    // The scripted server stands in for the proxy: a proxied request names the whole target URL.
    const seen: string[] = [];
    handler = (req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"answered":true}');
    };
    const names = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    for (const name of names) delete process.env[name];
    try {
      process.env.HTTP_PROXY = base;
      const response = await send({
        method: 'GET',
        url: 'http://tenant.invalid/items?x=1',
        headers: {},
        timeoutMs: 1000,
      });
      expect(response).toMatchObject({ status: 200, data: { answered: true } });
      expect(seen).toEqual(['http://tenant.invalid/items?x=1']);
      // Without it, straight to the server.
      delete process.env.HTTP_PROXY;
      expect((await get('/direct')).data).toEqual({ answered: true });
      expect(seen[1]).toBe('/direct');
    } finally {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
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
    // A header Node will not write is refused before anything is sent, as a TransportError too.
    const unwritable = await send({
      method: 'GET',
      url: `${base}/x`,
      headers: { 'x-bad': 'a\nb' },
      timeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(unwritable).toBeInstanceOf(TransportError);
    expect(unwritable).toMatchObject({ code: 'ERR_INVALID_CHAR' });
  });
});
