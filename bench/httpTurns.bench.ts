/**
 * Turns over HTTP: /api/messages with deliveryMode expectReplies, driven by autocannon at 10 and 50 connections,
 * for a knowledge question, "help" and "show my connections" (emulator at 0 ms and 20 ms), next to a bare
 * teams-ai echo bot on the same adapter and storage in the same run. Targets: knowledge turns ≥ 0.5× the echo
 * bot's throughput with p99 ≤ 2× its p99 + 10 ms. Also the bot's RSS idle and after the load.
 */
import { loadHttp, messageActivity, type HttpLoadResult } from './support/loadHttp';
import { processRssMb, startChildBot } from '../test/support/childBot';
import { round } from './support/stats';

const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = [10, 50];

export async function run(): Promise<{ figures: Record<string, number | string>; table: string[][] }> {
  const table: string[][] = [
    ['scenario', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req/s vs echo', 'p99 vs echo'],
  ];
  const figures: Record<string, number | string> = {};
  const echo = await startChildBot('echo');
  const baseline = new Map<number, HttpLoadResult>();
  try {
    for (const connections of CONNECTIONS) {
      const r = await loadHttp({
        url: echo.url,
        body: messageActivity('hello'),
        connections,
        durationSeconds: DURATION,
      });
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
      for (const [name, text] of scenarios) {
        for (const connections of CONNECTIONS) {
          const r = await loadHttp({
            url: bot.url,
            body: messageActivity(text),
            connections,
            durationSeconds: DURATION,
          });
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
