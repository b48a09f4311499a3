/** The production start, as `npm start` runs it, refuses unsafe configuration and names the setting to fix. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

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
