/**
 * Turns over HTTP: /api/messages with deliveryMode expectReplies, driven by autocannon at 10 and 50 connections,
 * for a knowledge question, "help" and "show my connections" (emulator at 0 ms and 20 ms), next to a bare
 * teams-ai echo bot on the same adapter and storage in the same run. Targets: knowledge turns ≥ 0.5× the echo
 * bot's throughput with p99 ≤ 2× its p99 + 10 ms. Also the bot's RSS idle and after the load, and the CPU each
 * process spent per turn (steadier than req/s when other work shares the machine).
 *
 * Every scenario, the echo bot's included, first runs unmeasured for a second: otherwise whichever scenario comes
 * first after a process starts is measured with cold code, and the 10-connection echo figure every ratio divides
 * by swung by 2× between runs.
 */
import { loadHttp, messageActivity, type HttpLoadResult } from './support/loadHttp';
import { processCpuMs, processRssMb, startChildBot } from '../test/support/childBot';
import { round } from './support/stats';

const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = [10, 50];
const WARM_UP_SECONDS = 1;

/** One measured load, with the CPU the bot process spent per request meanwhile. */
async function measure(
  bot: { url: string; pid: number },
  body: object,
  connections: number,
): Promise<HttpLoadResult & { cpuUsPerTurn: number }> {
  const before = processCpuMs(bot.pid);
  const r = await loadHttp({ url: bot.url, body, connections, durationSeconds: DURATION });
  const turns = r.requestsPerSecond * DURATION;
  return { ...r, cpuUsPerTurn: Math.round(((processCpuMs(bot.pid) - before) * 1000) / turns) };
}

async function tenantIndexReady(url: string): Promise<void> {
  const readyz = new URL('/readyz', url).toString();
  for (let i = 0; i < 600; i++) {
    const state = (await (await fetch(readyz)).json()) as { tenantIndex?: string };
    if (state.tenantIndex !== 'building') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the bot did not build its tenant index within a minute');
}

const warmUp = (url: string, body: object) =>
  loadHttp({ url, body, connections: CONNECTIONS[0], durationSeconds: WARM_UP_SECONDS });

export async function run(): Promise<{ figures: Record<string, number | string>; table: string[][] }> {
  const table: string[][] = [
    [
      'scenario',
      'connections',
      'req/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'req/s vs echo',
      'p99 vs echo',
      'bot CPU µs/turn',
      'echo CPU / bot CPU',
    ],
  ];
  const figures: Record<string, number | string> = {};
  const echo = await startChildBot('echo');
  const baseline = new Map<number, HttpLoadResult & { cpuUsPerTurn: number }>();
  try {
    await warmUp(echo.url, messageActivity('hello'));
    for (const connections of CONNECTIONS) {
      const r = await measure(echo, messageActivity('hello'), connections);
      baseline.set(connections, r);
      table.push([
        'echo bot (baseline)',
        String(connections),
        String(r.requestsPerSecond),
        String(r.p50Ms),
        String(r.p99Ms),
        String(r.errors + r.non2xx),
        '1.00',
        '1.00',
        String(r.cpuUsPerTurn),
        '1.00',
      ]);
    }
  } finally {
    await echo.stop();
  }

  for (const latency of [0, 20]) {
    const bot = await startChildBot('bot', { EMULATOR_LATENCY_MS: String(latency) });
    try {
      if (latency === 0) figures['bot RSS idle MB'] = processRssMb(bot.pid);
      const scenarios: [string, string][] =
        latency === 0
          ? [
              ['knowledge question', 'What is a connection reference?'],
              ['help', 'help'],
              ['show my connections (emulator 0 ms)', 'show my connections'],
            ]
          : [['show my connections (emulator 20 ms)', 'show my connections']];
      // A serving bot builds its tenant index at start; per-user turns are measured once it is there.
      await tenantIndexReady(bot.url);
      for (const [name, text] of scenarios) {
        await warmUp(bot.url, messageActivity(text));
        for (const connections of CONNECTIONS) {
          const r = await measure(bot, messageActivity(text), connections);
          const b = baseline.get(connections)!;
          const throughputRatio = r.requestsPerSecond / b.requestsPerSecond;
          const p99Ratio = r.p99Ms / b.p99Ms;
          table.push([
            name,
            String(connections),
            String(r.requestsPerSecond),
            String(r.p50Ms),
            String(r.p99Ms),
            String(r.errors + r.non2xx),
            round(throughputRatio).toFixed(2),
            round(p99Ratio).toFixed(2),
            String(r.cpuUsPerTurn),
            round(b.cpuUsPerTurn / r.cpuUsPerTurn).toFixed(2),
          ]);
          if (name === 'knowledge question') {
            figures[`knowledge @${connections}: throughput ≥ 0.5× echo`] = throughputRatio >= 0.5 ? 'met' : 'NOT met';
            figures[`knowledge @${connections}: p99 ≤ 2× echo p99 + 10 ms`] =
              r.p99Ms <= 2 * b.p99Ms + 10 ? 'met' : 'NOT met';
          }
        }
      }
      if (latency === 0) figures['bot RSS after load MB'] = processRssMb(bot.pid);
    } finally {
      await bot.stop();
    }
  }
  return { figures, table };
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
