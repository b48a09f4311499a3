/**
 * The server as a process: the production start refuses unsafe configuration and names the setting to fix, runs
 * its background workers, and SIGTERM stops it cleanly after the request in flight has been answered.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TENANT_ID, USERS } from '../src/emulator/fixture';

const root = path.resolve(__dirname, '..');

function start(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('production start', () => {
  it('refuses anonymous auth and demo mode, naming BOT_ID and TENANT_ID', () => {
    const run = start({ NODE_ENV: 'production' });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/BOT_ID/);
    expect(run.stderr).toMatch(/TENANT_ID/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  });

  it('refuses a multi-tenant bot, naming BOT_TYPE', () => {
    const run = start({
      NODE_ENV: 'production',
      BOT_ID: 'b',
      BOT_PASSWORD: 'p',
      BOT_TYPE: 'MultiTenant',
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      KEY_VAULT_URL: 'https://v.vault.azure.net',
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/BOT_TYPE/);
  });
});

describe('anonymous requests only with the demo tenant', () => {
  it('refuses a real tenant without a bot id, whatever NODE_ENV, naming BOT_ID', () => {
    const run = start({
      TENANT_ID: '11111111-2222-3333-4444-555555555555',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      KEY_VAULT_URL: 'https://v.vault.azure.net',
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/BOT_ID: required when TENANT_ID is set/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('graceful shutdown', () => {
  it('answers the request in flight, then exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutdown-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', EMULATOR_LATENCY_MS: '300' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200 && !/listening/.test(log); i++) await new Promise((r) => setTimeout(r, 250));
    expect(log).toMatch(/listening/);
    // The production process runs the workers: approved operations, the scan schedule and the outbox.
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.json()).toMatchObject({ ready: true, workers: 'running' });

    // A turn that takes a while (the demo tenant answers each request after 300 ms).
    const inFlight = fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: 'show my connections',
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/amer/',
        from: { id: '29:megan', aadObjectId: USERS.megan.id },
        recipient: { id: '28:bot' },
        conversation: {
          id: 'personal-megan',
          conversationType: 'personal',
          tenantId: TENANT_ID,
        },
        deliveryMode: 'expectReplies',
      }),
    });
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/Your connections/);
    expect(await exited).toBe(0);
    expect(log).toMatch(/shutting down/);
    expect(log).toMatch(/stopped/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);
});

describe('npm start in demo mode', () => {
  it('trusts the demo tenant by itself, so /readyz sees it reachable, and listens on loopback', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-demo-'));
    // What `npm start` gets from a shell: no NODE_EXTRA_CA_CERTS pointing at the demo tenant's certificate.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATA_DIR: dataDir,
      EMULATOR_CERT_DIR: path.join(dataDir, 'cert'),
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !/listening/.test(log); i++) await new Promise((r) => setTimeout(r, 250));
      expect(log).toMatch(/listening/);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ ready: true, tenant: 'ok' });
      expect(JSON.parse(log.split('\n').find((l) => /listening/.test(l))!)).toMatchObject({ address: '127.0.0.1' });
    } finally {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
