/**
 * Serves one HTTP bot in its own process for tests and benchmarks — `echo` (the bare teams-ai baseline) or `bot`
 * (Connection Ops: on the demo tenant, or on the one EMULATOR_INFO names) — prints {"url"} on stdout and serves
 * until SIGTERM. compose() options come as JSON in SERVE_BOT_OPTIONS (see childBot.ts). A separate process keeps
 * the load generator from competing with the bot inside one event loop, and lets a test kill an instance.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compose } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { configureLogging } from '../../src/logging/logger';
import { SlidingWindowLimiter } from '../../src/notifications/delivery/slidingWindowLimiter';
import { startServer } from '../../src/server';
import type { ServeBotOptions } from './childBot';
import { startEchoServer } from './echoServer';

async function main(): Promise<void> {
  const kind = process.argv[2];
  let url: string;
  let close: () => Promise<void>;
  if (kind === 'echo') {
    const echo = await startEchoServer();
    url = echo.url;
    close = echo.close;
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-bot-'));
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    configureLogging({ level: 'silent' });
    const {
      unlimitedDelivery,
      notifications: timings,
      ...options
    } = JSON.parse(process.env.SERVE_BOT_OPTIONS || '{}') as ServeBotOptions;
    const notifications = {
      ...timings,
      ...(unlimitedDelivery ? { limiter: new SlidingWindowLimiter({ perKey: [], global: [] }) } : {}),
    };
    const composition = await compose(config, { ...options, notifications, startJobs: true });
    const server = await startServer(composition, { port: 0, host: '127.0.0.1' });
    url = server.url;
    close = async () => {
      await server.shutdown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));
}

void main();
