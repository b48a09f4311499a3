/**
 * Memory over many turns: RSS of the bot idle (composed, demo tenant up) and after 10,000 in-process turns of
 * knowledge questions and "help", with a GC before each reading. Growth beyond noise would be a leak.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession } from '../src/app/chatSession';
import { compose } from '../src/compose';
import { loadConfig } from '../src/config';
import { configureLogging } from '../src/logging/logger';
import { collectGarbage, round, rssMb } from './support/stats';

const TURNS = Number(process.env.BENCH_MEMORY_TURNS ?? 10_000);
const TEXTS = ['What is a connection reference?', 'help', 'How do I share a connection?', 'conection refrence naming'];

export async function run(): Promise<{ figures: Record<string, number | string> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
  configureLogging({ level: 'silent' });
  const composition = await compose(loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir }));
  try {
    const session = new ChatSession(composition);
    const user = {
      id: '00000000-0000-0000-0000-0000000000021',
      displayName: 'Megan Bowen',
      userPrincipalName: 'meganb@example.com',
    };
    for (let i = 0; i < 200; i++) await session.say(user, TEXTS[i % TEXTS.length]); // warm up
    collectGarbage();
    const idle = rssMb();
    const heapIdle = process.memoryUsage().heapUsed / 1024 / 1024;
    const started = Date.now();
    for (let i = 0; i < TURNS; i++) {
      await session.say(user, TEXTS[i % TEXTS.length]);
    }
    collectGarbage();
    const after = rssMb();
    const heapAfter = process.memoryUsage().heapUsed / 1024 / 1024;
    return {
      figures: {
        turns: TURNS,
        'turns per second (in-process)': Math.round(TURNS / ((Date.now() - started) / 1000)),
        'RSS after warm-up MB': idle,
        [`RSS after ${TURNS} turns MB`]: after,
        'RSS growth MB': round(after - idle, 1),
        'heap growth MB': round(heapAfter - heapIdle, 1),
      },
    };
  } finally {
    await composition.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
