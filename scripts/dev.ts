/**
 * `npm run dev`: builds, then starts the bot on :3978 (in demo mode it starts the demo-tenant emulator
 * in-process) and the Microsoft 365 Agents Playground on :56150, prints the URLs, and stops everything on Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { emulatorCertDir } from '../src/compose';
import { ensureEmulatorCertificate } from '../src/emulator';

const root = path.resolve(__dirname, '..');
const BOT_PORT = Number(process.env.PORT ?? 3978);
const PLAYGROUND_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);
const children: ChildProcess[] = [];

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function stopAll(code: number): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}

async function main(): Promise<void> {
  process.stdout.write('Building…\n');
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed (see above)');

  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(BOT_PORT) };
  if (!env.TENANT_ID) env.NODE_EXTRA_CA_CERTS = await ensureEmulatorCertificate(emulatorCertDir());
  const bot = spawn(process.execPath, ['dist/src/server.js'], { cwd: root, env, stdio: 'inherit' });
  children.push(bot);
  bot.on('exit', (code) => {
    process.stderr.write(`bot exited (${code})\n`);
    stopAll(code ?? 1);
  });
  await waitFor(`http://127.0.0.1:${BOT_PORT}/healthz`, 60_000);

  const playground = spawn(
    path.join(root, 'node_modules', '.bin', 'agentsplayground'),
    [
      'start',
      '-e',
      `http://127.0.0.1:${BOT_PORT}/api/messages`,
      '-c',
      'msteams',
      '-p',
      String(PLAYGROUND_PORT),
      '--disable-telemetry',
    ],
    { cwd: root, env: process.env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(playground);
  playground.on('exit', (code) => {
    process.stderr.write(`playground exited (${code})\n`);
    stopAll(code ?? 1);
  });
  await waitFor(`http://127.0.0.1:${PLAYGROUND_PORT}/`, 60_000);

  process.stdout.write(
    [
      '',
      `Bot:         http://127.0.0.1:${BOT_PORT}/api/messages  (health: /healthz, /readyz)`,
      `Playground:  http://localhost:${PLAYGROUND_PORT}   ← open this and type "help"`,
      env.TENANT_ID
        ? `Tenant:      ${env.TENANT_ID}`
        : 'Tenant:      built-in demo tenant (Contoso); you are Megan Bowen (.m365agentsplayground.yml)',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
main().catch((error) => {
  process.stderr.write(`dev: ${(error as Error).message}\n`);
  stopAll(1);
});
