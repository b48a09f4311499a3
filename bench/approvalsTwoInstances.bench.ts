/**
 * Approvals on two instances (issue 10): N pending access requests, then every [Approve] pressed at once, spread
 * over two bot OS processes on one Azurite and one demo tenant (test/support/botInstances.ts, as the two-process
 * test runs them). Baseline in the same run: the same N on one instance. Figures: approvals/s from the first press
 * to the last approval done, p50/p99 of the Approve invoke, executions (must equal N) and duplicate executions (0).
 */
import { auditCounts, listApprovals, MEGAN, requestAccessTimes } from '../test/support/accessRequests';
import { startBotInstances } from '../test/support/botInstances';
import { waitFor } from '../test/support/waitFor';
import { percentile, round } from './support/stats';

const N = Number(process.env.BENCH_APPROVALS ?? (process.env.BENCH_QUICK ? 30 : 100));

interface RunFigures {
  approvalsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  executions: number;
  duplicates: number;
  failedInvokes: number;
}

async function approveAll(instanceCount: number): Promise<RunFigures> {
  // The connector stub has no limits, and the bots do not hold back for Teams' either: the figures are about
  // approvals, not about Teams' delivery pace (60 messages per 30 s per conversation).
  const instances = await startBotInstances({ count: instanceCount, compose: { unlimitedDelivery: true } });
  try {
    const urls = instances.bots.map((b) => b.url);
    const cards = await requestAccessTimes(instances.teams, urls, N);
    if (cards.length !== N) throw new Error(`expected ${N} approval cards, got ${cards.length}`);

    const started = performance.now();
    const pressed = await Promise.all(
      cards.map((card, i) => instances.teams.press(urls[i % urls.length], MEGAN, card, 'Approve')),
    );
    await waitFor(async () => (await listApprovals(instances.store)).every((a) => a.state === 'done'), {
      timeoutMs: 120_000,
      what: 'every approval done',
      intervalMs: 50,
    });
    const seconds = (performance.now() - started) / 1000;

    const audit = await auditCounts(instances.store);
    const executions = audit.get('approval.done') ?? 0;
    const latencies = pressed.map((r) => r.ms);
    return {
      approvalsPerSecond: round(N / seconds, 1),
      p50Ms: round(percentile(latencies, 50), 1),
      p99Ms: round(percentile(latencies, 99), 1),
      executions,
      duplicates: executions - new Set((await listApprovals(instances.store)).map((a) => a.id)).size,
      failedInvokes: pressed.filter((r) => r.status !== 200 || !r.card).length,
    };
  } finally {
    await instances.close();
  }
}

export async function run(): Promise<{ figures: Record<string, number | string>; table: string[][] }> {
  const one = await approveAll(1);
  const two = await approveAll(2);
  const row = (name: string, r: RunFigures) => [
    name,
    String(r.approvalsPerSecond),
    String(r.p50Ms),
    String(r.p99Ms),
    String(r.executions),
    String(r.duplicates),
    String(r.failedInvokes),
  ];
  return {
    table: [
      ['instances', 'approvals/s', 'Approve p50 ms', 'Approve p99 ms', 'executions', 'duplicates', 'failed invokes'],
      row('1 (baseline)', one),
      row('2 processes', two),
    ],
    figures: {
      approvals: N,
      'executions = N on two instances': two.executions === N ? 'yes' : 'NO',
      'duplicate executions on two instances': two.duplicates,
      'approvals/s: two instances vs one': round(two.approvalsPerSecond / one.approvalsPerSecond, 2),
      'Approve p99: two instances vs one': round(two.p99Ms / one.p99Ms, 2),
    },
  };
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
