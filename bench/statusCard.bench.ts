/**
 * "Show my connections" for a user with 500 connections (Megan, through StartOptions.extraConnectionsFor), driven
 * in-process through ChatSession as Teams would, with the emulator adding 20 ms to every request. Next to it, in the
 * same run: the same turn at 0 ms (the bot's own CPU floor), the request count of one turn times 20 ms (what a
 * one-request-at-a-time implementation would wait at least) and a measured sequential run (HTTP concurrency 1).
 * Target (issue 5): p95 under 500 ms at 20 ms per request.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatTurn } from '../src/app/chatSession';
import { compose, emulatorCertDir, type Composition } from '../src/compose';
import { loadConfig } from '../src/config';
import { startEmulator, type RunningEmulator } from '../src/emulator';
import { configureLogging } from '../src/logging/logger';
import { median, percentile, round } from './support/stats';

const CONNECTIONS = 500;
const LATENCY_MS = 20;
const TURNS = Number(process.env.BENCH_STATUS_TURNS ?? (process.env.BENCH_QUICK ? 10 : 30));
const SEQUENTIAL_TURNS = process.env.BENCH_QUICK ? 2 : 5;
const MEGAN = {
  id: '00000000-0000-0000-0000-0000000000021',
  displayName: 'Megan Bowen',
  userPrincipalName: 'meganb@example.com',
};

/** The card's summary line ("512 connections in 4 environments, …"): proves the turn listed them all. */
function listedCount(turn: ChatTurn): number {
  const match = /"(\d+) connections? in \d+ environments?/.exec(JSON.stringify(turn.replies));
  return match ? Number(match[1]) : 0;
}

async function timeTurns(session: ChatSession, turns: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < turns; i++) {
    const started = process.hrtime.bigint();
    const turn = await session.say(MEGAN, 'show my connections');
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (listedCount(turn) < CONNECTIONS) throw new Error(`the card listed ${listedCount(turn)} connections`);
  }
  return samples;
}

async function composeOn(emulator: RunningEmulator, dataDir: string, sequential: boolean): Promise<Composition> {
  return compose(loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir }), {
    emulator,
    tenantPorts: sequential ? { maxConcurrent: { default: 1 } } : undefined,
  });
}

export async function run(): Promise<{ figures: Record<string, number | string> }> {
  configureLogging({ level: 'silent' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-status-'));
  const emulator = await startEmulator({
    port: 0,
    certDir: emulatorCertDir(),
    extraConnectionsFor: { upn: MEGAN.userPrincipalName, count: CONNECTIONS },
  });
  const parallel = await composeOn(emulator, path.join(dataDir, 'parallel'), false);
  const sequential = await composeOn(emulator, path.join(dataDir, 'sequential'), true);
  try {
    const session = new ChatSession(parallel);
    await timeTurns(session, 3); // warm up: tokens, the knowledge index, JIT
    const floor = await timeTurns(session, TURNS);

    emulator.control.setFaults(`*:latency=${LATENCY_MS}`);
    const before = emulator.control.requestCount();
    const first = await session.say(MEGAN, 'show my connections');
    const requestsPerTurn = emulator.control.requestCount() - before;
    const at20 = await timeTurns(session, TURNS);

    const sequentialSession = new ChatSession(sequential);
    await timeTurns(sequentialSession, 1);
    const oneByOne = await timeTurns(sequentialSession, SEQUENTIAL_TURNS);
    const p95 = percentile(at20, 95);
    return {
      figures: {
        'connections listed': listedCount(first),
        turns: TURNS,
        'requests per turn': requestsPerTurn,
        [`median ms at ${LATENCY_MS} ms/request`]: round(median(at20), 1),
        [`p95 ms at ${LATENCY_MS} ms/request`]: round(p95, 1),
        'target p95 ms': 500,
        'p95 within target': p95 < 500 ? 'yes' : 'NO',
        'floor: median ms at 0 ms/request': round(median(floor), 1),
        'floor: p95 ms at 0 ms/request': round(percentile(floor, 95), 1),
        [`sequential floor ms (requests × ${LATENCY_MS} ms)`]: requestsPerTurn * LATENCY_MS,
        [`sequential measured: median ms (HTTP concurrency 1, ${SEQUENTIAL_TURNS} turns)`]: round(median(oneByOne), 1),
        'speed-up vs sequential (median)': round(median(oneByOne) / median(at20), 1),
      },
    };
  } finally {
    await parallel.close();
    await sequential.close();
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
