/**
 * The HTTP front door against a real composition (demo tenant emulator, SQLite in a temp folder): malformed or
 * oversized bodies, health and readiness, and Bot Framework token validation through a loopback JWKS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compose } from '../src/compose';
import { loadConfig } from '../src/config';
import { MAX_BODY_BYTES, startServer, type RunningServer } from '../src/server';
import { startTokenIssuer, type TokenIssuer } from './support/botFrameworkTokens';
import { TENANT_ID, USERS } from '../src/emulator/fixture';

const BOT_ID = '6f3c3c8e-1111-4222-8333-944444444444';
const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

function message(text: string) {
  return {
    type: 'message',
    id: 'activity-1',
    text,
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: { id: '29:megan', name: 'Megan Bowen', aadObjectId: USERS.megan.id },
    recipient: { id: `28:${BOT_ID}`, name: 'Connection Ops' },
    conversation: {
      id: 'personal-megan',
      conversationType: 'personal',
      tenantId: TENANT_ID,
    },
    channelData: { tenant: { id: TENANT_ID } },
    deliveryMode: 'expectReplies',
  };
}

async function post(server: RunningServer, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}

describe('server without a bot id (local development)', () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-test-'));
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    server = await startServer(await compose(config), { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.shutdown();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers healthz', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers readyz with the store and the tenant reachable', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ready: true, store: 'ok', tenant: 'ok' });
  });

  it('rejects malformed JSON with 400', async () => {
    expect((await post(server, '{"type": "message", ')).status).toBe(400);
  });

  it('rejects a JSON body that is not an activity with 400', async () => {
    expect((await post(server, '[1,2,3]')).status).toBe(400);
    expect((await post(server, '{"text":"no type"}')).status).toBe(400);
  });

  it('rejects a body over the limit with 413', async () => {
    const huge = JSON.stringify({ ...message('x'), text: 'x'.repeat(MAX_BODY_BYTES + 10) });
    expect((await post(server, huge)).status).toBe(413);
  });

  it('rejects a non-JSON content type with 415', async () => {
    expect((await post(server, 'hello', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('answers a message turn with expectReplies', async () => {
    const { status, body } = await post(server, JSON.stringify(message('help')));
    expect(status).toBe(200);
    const activities = JSON.parse(body).activities as { attachments?: { content: { type: string } }[] }[];
    expect(activities.some((a) => a.attachments?.[0]?.content.type === 'AdaptiveCard')).toBe(true);
  });
});

describe('server with a bot id', () => {
  let server: RunningServer;
  let issuer: TokenIssuer;
  let dataDir: string;

  beforeAll(async () => {
    issuer = await startTokenIssuer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-auth-test-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      BOT_ID,
      BOT_PASSWORD: 'not-used-for-inbound-validation',
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: TENANT_ID,
    });
    server = await startServer(await compose(config), {
      port: 0,
      host: '127.0.0.1',
      openIdMetadataUrl: issuer.metadataUrl,
    });
  });
  afterAll(async () => {
    await server.shutdown();
    await issuer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (token?: string) =>
    post(server, JSON.stringify(message('help')), token ? { authorization: `Bearer ${token}` } : {});

  it('accepts a token signed by the channel key for this bot', async () => {
    expect((await send(issuer.mint({ audience: BOT_ID, serviceUrl: SERVICE_URL }))).status).toBe(200);
  });

  it.each([
    ['missing', undefined],
    ['signed by an unknown key', { stranger: true }],
    ['for another audience', { audience: 'someone-else' }],
    ['from another issuer', { issuer: 'https://evil.example.com' }],
    ['expired', { expiresInSeconds: -600 }],
  ])('refuses a token that is %s with 401', async (_what, override) => {
    const token =
      override === undefined ? undefined : issuer.mint({ audience: BOT_ID, serviceUrl: SERVICE_URL, ...override });
    expect((await send(token)).status).toBe(401);
  });

  it('refuses a forged token with 401', async () => {
    expect((await send('eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.')).status).toBe(401);
  });
});
