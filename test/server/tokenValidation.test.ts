/**
 * Bot Framework token validation at the front door, against a loopback stand-in of the OpenID metadata: every
 * bad token is a 401 with no internal text (never a 500), keys that cannot be fetched — endpoint down or stalled —
 * are a 503 with Retry-After, the keys are fetched once and cached, and a token must carry `exp`.
 */
import { constants, createHmac, randomUUID, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { compose } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { BOT_FRAMEWORK_ISSUER, startTokenIssuer, type TokenIssuer } from '../support/botFrameworkTokens';
import { TENANT_ID, USERS } from '../../src/emulator/fixture';

const BOT_ID = '6f3c3c8e-1111-4222-8333-944444444444';
const TENANT = TENANT_ID;
const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

const activity = (serviceUrl = SERVICE_URL) =>
  JSON.stringify({
    type: 'message',
    text: 'help',
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:megan', aadObjectId: USERS.megan.id },
    recipient: { id: `28:${BOT_ID}` },
    conversation: { id: 'personal-megan', conversationType: 'personal', tenantId: TENANT },
    deliveryMode: 'expectReplies',
  });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: BOT_FRAMEWORK_ISSUER,
    aud: BOT_ID,
    serviceurl: SERVICE_URL,
    nbf: now - 60,
    exp: now + 3600,
    ...overrides,
  };
}

/** A token with any header, any claims and any signature: what an attacker can send. */
function forge(header: Record<string, unknown>, payload: Record<string, unknown>, signer: (input: Buffer) => Buffer) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

async function startWith(openIdMetadataUrl: string, metadataTimeoutMs?: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokens-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    BOT_ID,
    BOT_PASSWORD: 'not-used-for-inbound-validation',
    BOT_TENANT_ID: TENANT,
  });
  const server = await startServer(await compose(config), {
    port: 0,
    host: '127.0.0.1',
    openIdMetadataUrl,
    metadataTimeoutMs,
  });
  expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
  return {
    server,
    close: async () => {
      await server.shutdown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function post(server: RunningServer, token: string | undefined, body = activity()) {
  const response = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
}

describe('with the signing keys reachable', () => {
  let issuer: TokenIssuer;
  let running: Awaited<ReturnType<typeof startWith>>;

  beforeAll(async () => {
    issuer = await startTokenIssuer();
    running = await startWith(issuer.metadataUrl);
  });
  afterAll(async () => {
    await running.close();
    await issuer.close();
  });

  const rs256 = (input: Buffer) => sign('sha256', input, issuer.trusted.privateKey);
  const kid = () => issuer.trusted.kid;

  it('accepts a good token, and fetches the keys only once for many requests', async () => {
    for (let i = 0; i < 3; i++) {
      const token = issuer.mint({ audience: BOT_ID, serviceUrl: SERVICE_URL });
      expect((await post(running.server, token)).status).toBe(200);
    }
    expect(issuer.metadataRequests()).toBe(1);
  });

  const cases: [string, () => string][] = [
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT', kid: kid() })}.${b64(claims())}.`],
    [
      'HS256 keyed with the public key',
      () =>
        forge({ alg: 'HS256', typ: 'JWT', kid: kid() }, claims(), (input) =>
          createHmac('sha256', issuer.trusted.publicKey.export({ type: 'spki', format: 'pem' }))
            .update(input)
            .digest(),
        ),
    ],
    [
      'PS256 with the trusted key',
      () =>
        forge({ alg: 'PS256', typ: 'JWT', kid: kid() }, claims(), (input) =>
          sign('sha256', input, { key: issuer.trusted.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }),
        ),
    ],
    [
      'a bad signature on a known kid',
      () => {
        const token = forge({ alg: 'RS256', typ: 'JWT', kid: kid() }, claims(), rs256);
        const [h, p] = token.split('.');
        return `${h}.${p}.${forge({ alg: 'RS256', kid: kid() }, claims({ aud: 'other' }), rs256).split('.')[2]}`;
      },
    ],
    ['an unknown kid', () => forge({ alg: 'RS256', typ: 'JWT', kid: randomUUID() }, claims(), rs256)],
    ['a future nbf', () => forge({ alg: 'RS256', kid: kid() }, claims({ nbf: Date.now() / 1000 + 7200 }), rs256)],
    ['no exp', () => forge({ alg: 'RS256', kid: kid() }, claims({ exp: undefined }), rs256)],
    [
      'a serviceurl other than the activity',
      () => forge({ alg: 'RS256', kid: kid() }, claims({ serviceurl: 'https://evil.example.net/' }), rs256),
    ],
    ['not a JWT at all', () => 'x'.repeat(5000)],
    ['a header that is not JSON', () => `${Buffer.from('{{{').toString('base64url')}.${b64(claims())}.AAAA`],
  ];

  it.each(cases)('refuses %s with 401 and no internal text', async (_what, token) => {
    const { status, text } = await post(running.server, token());
    expect(status).toBe(401);
    expect(JSON.parse(text)).toEqual({ error: 'Unauthorized' });
  });

  it('refuses a bad token before reading a body', async () => {
    // A body the server would refuse (415/400) if it read it: the 401 comes first.
    const { status } = await post(running.server, 'not.a.token', '{"type": ');
    expect(status).toBe(401);
  });
});

describe('with the signing keys unreachable', () => {
  let issuer: TokenIssuer;
  let running: Awaited<ReturnType<typeof startWith>>;

  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    issuer = await startTokenIssuer();
    running = await startWith(`http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`);
  });
  afterAll(async () => {
    await running.close();
    await issuer.close();
  });

  it('answers 503 with Retry-After and no internal text, and stays up', async () => {
    const response = await post(running.server, issuer.mint({ audience: BOT_ID, serviceUrl: SERVICE_URL }));
    expect(response.status).toBe(503);
    expect(Number(response.retryAfter)).toBeGreaterThan(0);
    expect(response.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.[jt]s:\d+/);
    expect((await fetch(`${running.server.url}/healthz`)).status).toBe(200);
  });

  it('still answers 401 to a token that is no token at all', async () => {
    expect((await post(running.server, 'garbage')).status).toBe(401);
  });
});

describe('with the metadata endpoint stalled', () => {
  let issuer: TokenIssuer;
  let stalled: http.Server;
  let requests = 0;
  let running: Awaited<ReturnType<typeof startWith>>;

  beforeAll(async () => {
    issuer = await startTokenIssuer();
    // Accepts the request and never answers.
    stalled = http.createServer(() => requests++);
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const port = (stalled.address() as AddressInfo).port;
    running = await startWith(`http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`, 300);
  });
  afterAll(async () => {
    await running.close();
    stalled.closeAllConnections();
    await new Promise<void>((resolve) => stalled.close(() => resolve()));
    await issuer.close();
  });

  it('gives up on the fetch and answers 503 with Retry-After', async () => {
    const response = await post(running.server, issuer.mint({ audience: BOT_ID, serviceUrl: SERVICE_URL }));
    expect(requests).toBeGreaterThan(0);
    expect(response.status).toBe(503);
    expect(Number(response.retryAfter)).toBeGreaterThan(0);
    expect(response.text).not.toMatch(/abort|timeout|at .*\.[jt]s:\d+/i);
  });
});
