/**
 * Client CPU per request of the HTTP transport (src/clients/transport.ts) against its version at another git ref,
 * in the same run: N sequential and N concurrent GETs of a ~45 KB JSON page from a local HTTPS server on loopback.
 * The server runs in a child process so that process.cpuUsage() counts only the client's work. Variants run in
 * interleaved rounds (the box is shared) and the median round is printed.
 * `node --import tsx bench/support/transportCost.ts`. Env: TRANSPORT_BASELINE (git ref, default integ),
 * TRANSPORT_N (requests per measurement, default 2000), TRANSPORT_CONCURRENCY (default 16), TRANSPORT_ROUNDS
 * (default 5), TRANSPORT_GZIP=1 (the server compresses, as the real APIs do; the floor does not ask for it),
 * TRANSPORT_FETCH=1 (adds axios's fetch adapter).
 */
import axios from 'axios';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import { createSecureContext as tlsContext } from 'node:tls';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadOrCreateTls } from '../../src/emulator/certificate';
import { trustCertificateAuthority } from '../../src/clients/threadTrust';

type Get = (url: string) => Promise<unknown>;

const N = Number(process.env.TRANSPORT_N ?? 2000);
const CONCURRENCY = Number(process.env.TRANSPORT_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.TRANSPORT_ROUNDS ?? 5);
const BASELINE = process.env.TRANSPORT_BASELINE ?? 'integ';
const GZIP = process.env.TRANSPORT_GZIP === '1';

/** A list page shaped like the admin APIs' (value + nextLink), about 45 KB of JSON. */
function page(): string {
  const value = [];
  for (let i = 0; value.length < 1000 && JSON.stringify(value).length < 45_000; i++) {
    value.push({
      name: `shared-office365-${i.toString(16).padStart(32, '0')}`,
      id: `/providers/Microsoft.PowerApps/apis/shared_office365/connections/${i}`,
      properties: { displayName: `Connection ${i}`, statuses: [{ status: 'Connected' }], createdBy: { id: `${i}` } },
    });
  }
  return JSON.stringify({ value, nextLink: null });
}

function serve(): void {
  const tls = loadOrCreateTls(process.argv[3]);
  const body = Buffer.from(page());
  const zipped = gzipSync(body);
  const server = https.createServer({ key: tls.key, cert: tls.cert, keepAliveTimeout: 60_000 }, (req, res) => {
    const gzip = process.env.TRANSPORT_GZIP === '1' && /gzip/.test(String(req.headers['accept-encoding']));
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(gzip ? zipped : body);
  });
  let connections = 0;
  server.on('secureConnection', () => connections++);
  process.on('message', () => process.send?.({ connections }));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0, bytes: body.length });
  });
}

/** The transport as it is at `ref`, written beside the bench so that its imports (axios) resolve. */
async function transportAt(ref: string): Promise<{ get: Get; cleanup: () => void }> {
  const source = execFileSync('git', ['show', `${ref}:src/clients/transport.ts`], { encoding: 'utf8' });
  const file = path.join(__dirname, `.transport-${process.pid}.ts`);
  fs.writeFileSync(file, source);
  const module = (await import(file)) as typeof import('../../src/clients/transport');
  return { get: getter(module.send), cleanup: () => fs.rmSync(file, { force: true }) };
}

function getter(send: (typeof import('../../src/clients/transport'))['send']): Get {
  return async (url) => {
    const response = await send({ method: 'GET', url, headers: { Accept: 'application/json' }, timeoutMs: 30_000 });
    if (response.status !== 200 || typeof response.data !== 'object') throw new Error('bad answer');
    return response.data;
  };
}

/**
 * The floor: the same GET on bare node:https with a keep-alive agent and one JSON.parse, no axios. A reference for
 * how much of a request is axios's at all, not a candidate (axios is the chosen client).
 */
function bareHttps(): Get {
  const agent = new https.Agent({ keepAlive: true, scheduling: 'lifo', secureContext: tlsContext() });
  return (url) =>
    new Promise((resolve, reject) => {
      const req = https.request(url, { agent, headers: { Accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as unknown));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
}

/**
 * axios's fetch adapter with the transport's settings (TRANSPORT_FETCH=1): the other adapter axios offers in Node.
 * It ignores the keep-alive agents (fetch pools its own connections).
 */
function axiosFetch(): Get {
  const instance = axios.create({
    adapter: 'fetch',
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    transformRequest: [(data: unknown) => data],
  });
  return async (url) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      const response = await instance.request<string>({
        method: 'GET',
        url,
        headers: { Accept: 'application/json', 'Accept-Encoding': 'gzip, deflate, br' },
        signal: controller.signal,
      });
      return JSON.parse(response.data) as unknown;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** CPU µs per request (user + system) of `count` requests, `concurrency` at a time. */
async function measure(get: Get, url: string, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next++ < count) await get(url);
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transport-cost-'));
  const tls = loadOrCreateTls(certDir);
  // The transports make their TLS context on first use, after this: they trust the bench server's certificate.
  trustCertificateAuthority(tls.caCertPath);
  const server: ChildProcess = fork(__filename, ['serve', certDir], {
    execArgv: process.execArgv,
    env: { ...process.env },
  });
  const { port, bytes } = await new Promise<{ port: number; bytes: number }>((resolve) =>
    server.once('message', (m) => resolve(m as { port: number; bytes: number })),
  );
  const url = `https://127.0.0.1:${port}/connections`;
  const before = await transportAt(BASELINE);
  const now = getter((await import('../../src/clients/transport')).send);
  const variants: [string, Get][] = [
    [`transport at ${BASELINE}`, before.get],
    ['transport now', now],
    ['bare node:https (floor, no axios)', bareHttps()],
    ...(process.env.TRANSPORT_FETCH === '1' ? [["axios's fetch adapter", axiosFetch()] as [string, Get]] : []),
  ];
  try {
    console.log(
      `${bytes} B JSON page${GZIP ? ' (gzip)' : ''}, ${N} GETs per measurement, ${ROUNDS} interleaved rounds, node ${process.version}`,
    );
    for (const [, get] of variants) await measure(get, url, 300, CONCURRENCY); // warm up: sockets, JIT
    const results = new Map<string, { sequential: number[]; concurrent: number[] }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, get] of round % 2 ? [...variants].reverse() : variants) {
        const entry = results.get(name) ?? { sequential: [], concurrent: [] };
        entry.sequential.push(await measure(get, url, N, 1));
        entry.concurrent.push(await measure(get, url, N, CONCURRENCY));
        results.set(name, entry);
      }
    }
    console.log(`| variant | CPU µs/request, sequential | CPU µs/request, ${CONCURRENCY} concurrent |`);
    console.log('|---|---|---|');
    for (const [name, entry] of results) {
      const spread = (v: number[]) =>
        `${median(v).toFixed(0)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})`;
      console.log(`| ${name} | ${spread(entry.sequential)} | ${spread(entry.concurrent)} |`);
    }
  } finally {
    before.cleanup();
    // Every variant keeps its sockets open: a figure that includes TLS handshakes measures something else.
    server.send('connections?');
    const { connections } = await new Promise<{ connections: number }>((resolve) =>
      server.once('message', (m) => resolve(m as { connections: number })),
    );
    console.log(`TLS connections opened: ${connections}`);
    server.kill();
    fs.rmSync(certDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') serve();
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
