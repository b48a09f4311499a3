/**
 * The front door under hostile requests (demo mode, anonymous, as an attacker on this machine would send them):
 * compressed bodies — broken ones and bombs — are refused before a byte is read, the body limit holds whatever the
 * framing, odd content types and huge headers are refused, deep JSON is refused before parsing, oversized text
 * and card data never reach the bot, and long words keep /healthz responsive. Every request goes to the loopback
 * address the server reports itself; the process must survive all of them.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ConversationReferences } from '../../src/app/conversationReferences';
import { compose } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { configureLogging } from '../../src/logging/logger';
import { MAX_BODY_BYTES, startServer, type RunningServer } from '../../src/server';
import { TENANT_ID, USERS } from '../../src/emulator/fixture';

const TENANT = TENANT_ID;
const MEGAN = USERS.megan.id;

function message(text: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    text,
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    from: { id: '29:megan', aadObjectId: MEGAN },
    recipient: { id: '28:bot' },
    conversation: { id: 'personal-megan', conversationType: 'personal', tenantId: TENANT },
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request (fetch would not send a Content-Encoding it did not apply, nor a broken body). */
function send(
  server: RunningServer,
  options: { method?: string; path?: string; headers?: Record<string, string | number>; body?: Buffer | string[] },
): Promise<Answer> {
  const { port, address } = server.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: address,
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/api/messages',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    // The server may answer and close before the whole body is written: that is the point.
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    if (Array.isArray(options.body)) {
      for (const chunk of options.body) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

const json = (value: unknown, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(JSON.stringify(value)),
});

describe('hostile requests at the front door', () => {
  let server: RunningServer;
  let dataDir: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    configureLogging({ level: 'info', target: { write: (line) => logLines.push(line) } });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    // No host given: anonymous mode must choose loopback by itself.
    server = await startServer(await compose(config), { port: 0 });
  });
  afterAll(async () => {
    await server.shutdown();
    configureLogging({ level: 'silent' });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const alive = async () => expect((await send(server, { method: 'GET', path: '/healthz' })).status).toBe(200);

  it('listens on loopback only when anonymous', () => {
    expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  const brokenOrBomb: [string, string, () => Buffer][] = [
    ['gzip', 'broken', () => Buffer.from('{"type":"message"}')],
    ['gzip', 'a bomb', () => zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '))],
    ['deflate', 'broken', () => Buffer.from('{"type":"message"}')],
    ['deflate', 'a bomb', () => zlib.deflateSync(Buffer.alloc(64 * 1024 * 1024, ' '))],
    ['br', 'broken', () => Buffer.from('{"type":"message"}')],
    // Quality 1: the default (11) spends seconds of CPU making the test's bomb; it expands to 64 MB either way.
    [
      'br',
      'a bomb',
      () =>
        zlib.brotliCompressSync(Buffer.alloc(64 * 1024 * 1024, ' '), {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 },
        }),
    ],
    ['GZIP, identity', 'broken', () => Buffer.from('\x1f\x8bnot really')],
  ];

  it.each(brokenOrBomb)('refuses Content-Encoding %s (%s) with 415 and stays up', async (encoding, _what, body) => {
    const answer = await send(server, {
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      body: body(),
    });
    expect(answer.status).toBe(415);
    await alive();
  });

  it('accepts Content-Encoding identity', async () => {
    const answer = await send(server, json(message('help'), { 'content-encoding': 'identity' }));
    expect(answer.status).toBe(200);
  });

  it('stops reading a chunked body at the limit (no Content-Length to trust)', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = ['{"type":"message","text":"', ...Array.from({ length: 64 }, () => chunk), '"}'];
    const answer = await send(server, { headers: { 'content-type': 'application/json' }, body: chunks });
    expect(answer.status).toBe(413);
    await alive();
  });

  it('refuses a body that declares more than the limit', async () => {
    const answer = await send(server, {
      headers: { 'content-type': 'application/json', 'content-length': MAX_BODY_BYTES + 1 },
      body: Buffer.from('{}'),
    });
    expect(answer.status).toBe(413);
  });

  it.each([
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
    ['multipart/form-data; boundary=x', 415],
    ['application/json; charset=utf-8', 200],
  ])('answers content type %s with %s', async (type, expected) => {
    const answer = await send(server, {
      headers: { 'content-type': type },
      body: Buffer.from(JSON.stringify(message('help'))),
    });
    expect(answer.status).toBe(expected);
  });

  it('refuses a request with no content type', async () => {
    expect((await send(server, { body: Buffer.from(JSON.stringify(message('help'))) })).status).toBe(415);
  });

  it('refuses huge headers and stays up', async () => {
    const answer = await send(server, json(message('help'), { 'x-padding': 'a'.repeat(100_000) }));
    expect(answer.status).toBe(431);
    await alive();
  });

  it('refuses deeply nested JSON with 400 before parsing it, and stays up', async () => {
    const depth = 40_000;
    const deep = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const body = Buffer.from(JSON.stringify(message('help')).replace('"from":{', `"from":{"deep":${deep},`));
    const answer = await send(server, { headers: { 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(400);
    await alive();
  });

  it('refuses message text longer than Teams allows with 413', async () => {
    expect((await send(server, json(message('word '.repeat(6000))))).status).toBe(413);
  });

  it('refuses card data larger than Teams allows with 413', async () => {
    const click = message('', {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'approval.approve', data: { approvalId: 'a'.repeat(60_000) } } },
    });
    expect((await send(server, json(click))).status).toBe(413);
  });

  it('answers the longest allowed single word', async () => {
    expect((await send(server, json(message('x'.repeat(28_000))))).status).toBe(200);
  });

  it('keeps /healthz responsive while ten 25,000-character messages are answered', async () => {
    let seed = 7;
    const letter = () => String.fromCharCode(97 + ((seed = (seed * 48271) % 2147483647) % 26));
    const text = () =>
      Array.from({ length: 4_000 }, () => Array.from({ length: 5 }, letter).join(''))
        .join(' ')
        .slice(0, 25_000);
    const turns = Array.from({ length: 10 }, () => send(server, json(message(text()))));
    // Asked while the ten are in flight; a health probe gives up after 5 s.
    const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(health.status).toBe(200);
    expect((await Promise.all(turns)).map((a) => a.status)).toEqual(Array(10).fill(200));
  });

  describe('service URLs in demo mode', () => {
    const references = () => new ConversationReferences(server.composition.services.ctx.store.records);

    it('refuses to answer through a serviceUrl that is not on this machine', async () => {
      const answer = await send(
        server,
        json(message('help', { serviceUrl: 'http://169.254.169.254/', deliveryMode: undefined })),
      );
      expect(answer.status).toBe(400);
    });

    it('answers with expectReplies but keeps no reference to a remote serviceUrl', async () => {
      const who = '00000000-0000-0000-0000-00000000abc1';
      const answer = await send(
        server,
        json(message('help', { serviceUrl: 'https://attacker.example.net/', from: { id: '29:x', aadObjectId: who } })),
      );
      expect(answer.status).toBe(200);
      expect(await references().get(ConversationReferences.userKey(who))).toBeUndefined();
    });

    it('keeps the reference of a loopback serviceUrl', async () => {
      const who = '00000000-0000-0000-0000-00000000abc2';
      const answer = await send(
        server,
        json(message('help', { serviceUrl: 'http://127.0.0.1:9/', from: { id: '29:y', aadObjectId: who } })),
      );
      expect(answer.status).toBe(200);
      expect((await references().get(ConversationReferences.userKey(who)))?.serviceUrl).toBe('http://127.0.0.1:9/');
    });
  });

  describe('card data', () => {
    const click = (verb: string, data: Record<string, unknown>) =>
      message('', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        text: undefined,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      });
    const auditEntries = async () => {
      const out: { action: string; actor: string; subject: string }[] = [];
      for await (const e of server.composition.services.ctx.store.audit.list()) out.push(e);
      return out;
    };

    it('refuses malformed ids before any lookup, audits them bounded and rate limited per user', async () => {
      const before = (await auditEntries()).length;
      for (let i = 0; i < 20; i++) {
        const answer = await send(
          server,
          json(click('approval.approve', { approvalId: 'a'.repeat(20_000), hash: 'x' })),
        );
        expect(answer.status).toBe(200);
        expect(answer.body).toMatch(/not valid|Too many invalid/);
      }
      const added = (await auditEntries()).slice(before);
      expect(added.length).toBeGreaterThan(0);
      expect(added.length).toBeLessThanOrEqual(5);
      for (const entry of added) expect(JSON.stringify(entry).length).toBeLessThan(1_000);
    });

    it("keeps the audit card within Teams' message size limit", async () => {
      // Entries written by hostile callers before the checks existed: long subjects and references.
      for (let i = 0; i < 30; i++) {
        await server.composition.services.ctx.store.audit.append({
          actor: MEGAN,
          action: 'approval.refused',
          subject: `s${i}-${'y'.repeat(60_000)}`,
          outcome: 'refused',
          correlationId: 'z'.repeat(60_000),
          details: { reason: 'unknownApproval' },
        });
      }
      const alex = { id: '29:alex', aadObjectId: USERS.alex.id };
      const answer = await send(server, json(message('audit', { from: alex })));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/Audit log/);
      expect(Buffer.byteLength(answer.body)).toBeLessThan(28 * 1024);
    });
  });

  it("writes restify's own log lines through the redacting logger", async () => {
    // A reply restify cannot format makes it log the whole request, Authorization header included.
    server.server.get('/test-unformattable', async (_req, res) => {
      res.send(200, { n: BigInt(1) });
    });
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdG9rZW4ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    logLines.length = 0;
    const answer = await send(server, {
      method: 'GET',
      path: '/test-unformattable',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(500);
    const restifyLines = logLines.filter((l) => /format/i.test(l));
    expect(restifyLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(token.split('.')[1]);
  });
});
