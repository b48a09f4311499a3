/**
 * Per-user turns on the scale tenant (issue 20): "show my connections" for a maker with 5 connections (Megan) and
 * one with 500 (Lynne, `--extra-connections`), and "why can't I turn on Weekly report" (Adele), each measured on a
 * small and on the big synthetic tenant with the same connections of hers in the same environments (Lynne's 500 sit
 * in the named fixture's 4 environments in both, so only the tenant around her grows: spread over every environment
 * they would be in 6 connector lists of the small tenant and in 204 of the big one, which compares two different
 * makers). A maker whose 500 are spread over every environment (Patti) is its own row: her first page's 15 rows
 * are in 15 connector lists, one read per row, the most a page can cost, served by the emulator in its own process at 25 ms per request with the
 * documented throttling budgets on. Each turn reads live what it shows: the bot's clock moves a minute before every
 * turn, so no status is reused from the turn before (the cheaper second look within a minute is its own row).
 * Figures per row: p50/p95 wall ms, backend requests per turn (they must not grow with the tenant), the bot's CPU
 * ms per turn (this process; the emulator is another). Baseline in the same run: the same turns by the complete
 * listing (no tenant index), which is what every turn cost before, and the one-off cost of building the index.
 * Floor, same run: each live-read row's turns are replayed right after each turn with nothing but node:https and
 * JSON.parse (support/turnReplay.ts), and the bot's CPU is printed as a multiple of that replay's CPU.
 * "What depends on Lee Gu?" by an admin (Alex) answers from the index (the snapshot), with its live read as baseline.
 * Env: PERUSER_BENCH_SIZES (default 1000,100000), PERUSER_BENCH_TURNS (default 20), PERUSER_BENCH_ONLY (words of
 * the scenario names to run, e.g. "depends").
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatTurn, type ChatUser } from '../src/app/chatSession';
import { AdjustableClock } from '../src/clock';
import { compose, type Composition } from '../src/compose';
import { loadConfig } from '../src/config';
import { ConnectionsService } from '../src/connections/connectionsService';
import { ImpactService } from '../src/connections/impact/impactService';
import type { EmulatorInfo } from '../src/emulator';
import { configureLogging } from '../src/logging/logger';
import { startEmulatorProcess } from '../test/support/childBot';
import { median, percentile, round } from './support/stats';
import { TurnReplay } from './support/turnReplay';

const SIZES = (process.env.PERUSER_BENCH_SIZES ?? '1000,100000').split(',').map(Number);
/** PERUSER_BENCH_ONLY=depends (words of the scenario names): run only those scenarios, with their baselines. */
const ONLY = process.env.PERUSER_BENCH_ONLY?.split(',').map((w) => w.trim());
const TURNS = Number(process.env.PERUSER_BENCH_TURNS ?? (process.env.BENCH_QUICK ? 8 : 20));
const LATENCY_MS = 25;
const FAULTS = '*:throttle=default';
const MINUTE_MS = 61_000;
const P95_TARGET_MS = 1000;
const CPU_TARGET_MS = 5;

const user = (id: string, upn: string, displayName: string): ChatUser => ({ id, userPrincipalName: upn, displayName });
const MEGAN = user('00000000-0000-0000-0000-0000000000021', 'meganb@example.com', 'Megan Bowen');
const ADELE = user('00000000-0000-0000-0000-0000000000022', 'adelev@example.com', 'Adele Vance');
const LYNNE = user('00000000-0000-0000-0000-0000000000025', 'lynner@example.com', 'Lynne Robbins');
const PATTI = user('00000000-0000-0000-0000-0000000000024', 'pattif@example.com', 'Patti Fernandez');
/** The named fixture's environments, the first of every tenant: the same for both sizes. */
const FIXTURE_ENVIRONMENTS = 4;
const ALEX = user('00000000-0000-0000-0000-0000000000020', 'alexw@example.com', 'Alex Wilber');
const LEE_ID = '00000000-0000-0000-0000-0000000000026';
const IMPACT_P95_TARGET_MS = 300;

interface Scenario {
  name: string;
  who: ChatUser;
  text: string;
  /** Proves the turn answered what it was asked (not a refusal or an error card). */
  expect: RegExp;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'show my connections, maker with 5',
    who: MEGAN,
    text: 'show my connections',
    expect: /\b\d+ connections? in/,
  },
  {
    name: 'show my connections, maker with 500',
    who: LYNNE,
    text: 'show my connections',
    expect: /\b50\d connections in/,
  },
  {
    name: 'show my connections, maker with 500 spread over every environment',
    who: PATTI,
    text: 'show my connections',
    expect: /\b50\d connections in/,
  },
  {
    name: "why can't I turn on Weekly report",
    who: ADELE,
    text: "why can't I turn on Weekly report",
    expect: /not shared with you/,
  },
  {
    name: 'what depends on Lee Gu, admin (from the snapshot)',
    who: ALEX,
    text: 'what depends on Lee Gu?',
    expect:
      /Nightly export[\s\S]*As of the last read of the tenant|As of the last read of the tenant[\s\S]*Nightly export/,
  },
].filter((s) => !ONLY || ONLY.some((word) => s.name.includes(word)));

/** Requests the emulator has served, not counting the control requests that ask (each counts itself). */
let asked = 0;
async function requestCount(info: EmulatorInfo): Promise<number> {
  const response = await fetch(`${info.control}/requestCount`);
  asked++;
  return ((await response.json()) as { count: number }).count - asked;
}

/** The words of an answer (its cards' texts and fact values), for a bench row that says why a turn failed. */
function answerText(json: string): string {
  return [...json.matchAll(/"(?:text|value)":"([^"]*)"/g)]
    .map((m) => m[1])
    .filter(Boolean)
    .join(' · ');
}

function said(turn: ChatTurn): string {
  return JSON.stringify(turn.replies);
}

interface Measured {
  p50: number;
  p95: number;
  requests: number;
  cpuMs: number;
  /** The same turns' requests replayed raw (turnReplay.ts), when asked for: the floor of this row's reads. */
  replay?: { cpuMs: number; sequentialCpuMs: number; requests: number; notOk: number; kilobytes: number };
}

async function measure(
  info: EmulatorInfo,
  turns: number,
  before: () => void,
  turn: () => Promise<string>,
  expect: RegExp,
  withReplay = false,
): Promise<Measured> {
  const samples: number[] = [];
  let requests = 0;
  let cpuUs = 0;
  const replay = withReplay ? new TurnReplay(info) : undefined;
  for (let i = 0; i < turns; i++) {
    before();
    // Recording starts before the turn's request count is read and the replay runs after the second count: neither
    // the control requests nor the replayed ones are counted as the turn's.
    await replay?.arm();
    const startRequests = await requestCount(info);
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const text = await turn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    requests += (await requestCount(info)) - startRequests;
    if (!expect.test(text)) throw new Error(`unexpected answer: ${answerText(text).slice(0, 600)}`);
    await replay?.replayRecorded();
  }
  await replay?.close();
  return {
    p50: round(median(samples), 1),
    p95: round(percentile(samples, 95), 1),
    requests: round(requests / turns, 1),
    cpuMs: round(cpuUs / 1000 / turns, 2),
    replay: replay?.result(),
  };
}

/**
 * The table's last three columns: the raw replay's CPU per turn (all at once), the bot's CPU as a multiple of it, and
 * the replay one request after another.
 */
function floorColumns(m: Measured): string[] {
  if (!m.replay || m.requests === 0) return ['—', '—', '—'];
  const cpu = round(m.replay.cpuMs, 2);
  const notes = [
    m.replay.notOk ? `${m.replay.notOk} not 2xx` : '',
    round(m.replay.requests, 1) !== m.requests ? `${round(m.replay.requests, 1)} requests replayed` : '',
  ].filter(Boolean);
  const note = notes.length ? ` (${notes.join(', ')})` : '';
  return [`${cpu}${note}`, `${round(m.cpuMs / m.replay.cpuMs, 1)}×`, String(round(m.replay.sequentialCpuMs, 2))];
}

async function onTenant(size: number, table: string[][], figures: Record<string, number | string>): Promise<void> {
  const emulator = await startEmulatorProcess([
    '--scale',
    `42:${size}`,
    '--extra-connections',
    `${LYNNE.userPrincipalName}:500:${FIXTURE_ENVIRONMENTS}`,
    '--extra-connections',
    `${PATTI.userPrincipalName}:500`,
    '--latency',
    String(LATENCY_MS),
    '--faults',
    FAULTS,
  ]);
  const info = emulator.ready;
  asked = 0;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-peruser-'));
  let composition: Composition | undefined;
  try {
    composition = await compose(
      loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir, EMULATOR_INFO: JSON.stringify(info) }),
    );
    const session = new ChatSession(composition);
    const clock = composition.ctx.clock as AdjustableClock;
    const tenantLabel = `${size.toLocaleString('en-US')} connections`;
    const caller = (u: ChatUser) => ({
      userId: u.id,
      displayName: u.displayName,
      tenantId: composition!.ctx.tenant.tenantId,
    });

    if (SCENARIOS.some((s) => s.text === 'show my connections')) {
      // Baseline, same run: the complete listing every turn (what a maker's turn cost before the index), 2 turns.
      const listing = new ConnectionsService(composition.ctx);
      await listing.myConnections(caller(MEGAN)); // sign-in, first pages
      const before = await measure(
        info,
        2,
        () => undefined,
        async () => JSON.stringify((await listing.myConnections(caller(MEGAN))).cards),
        /connections? in/,
      );
      table.push([
        'show my connections, maker with 5 — complete listing (baseline)',
        tenantLabel,
        String(before.p50),
        String(before.p95),
        String(before.requests),
        String(before.cpuMs),
        '—',
        '—',
        '—',
      ]);
    }

    // Baseline for "what depends on X", same run: the live read it falls back on without a fresh index, 2 turns.
    if (SCENARIOS.some((s) => s.who === ALEX)) {
      const impactLive = new ImpactService(composition.ctx);
      const lee = { subject: 'Lee Gu', subjectType: 'user' as const, subjectId: LEE_ID };
      const live = await measure(
        info,
        2,
        () => undefined,
        async () => JSON.stringify((await impactLive.impact(caller(ALEX), lee)).cards),
        /Nightly export/,
      );
      table.push([
        'what depends on Lee Gu, admin — live read, no index (baseline)',
        tenantLabel,
        String(live.p50),
        String(live.p95),
        String(live.requests),
        String(live.cpuMs),
        '—',
        '—',
        '—',
      ]);
    }

    const buildStarted = Date.now();
    const buildRequests = await requestCount(info);
    await composition.tenantIndex.refresh();
    figures[`index build at ${tenantLabel}: s / requests (once per instance or per scan)`] =
      `${round((Date.now() - buildStarted) / 1000, 1)} / ${(await requestCount(info)) - buildRequests}`;
    if (!composition.tenantIndex.current()) throw new Error('the tenant index could not be built');

    for (const scenario of SCENARIOS) {
      const say = async () => said(await session.say(scenario.who, scenario.text));
      await say(); // warm: tokens, caches of the flow and group look-ups are per turn anyway
      // Run alone (PERUSER_BENCH_ONLY), a scenario would be measured while the planner's first read of the tenant's
      // names still runs behind it: wait for that event (the turn understands the person's name), at most 40 turns.
      if (scenario.who === ALEX) {
        for (let i = 0; i < 40; i++) {
          const turn = await session.say(scenario.who, scenario.text);
          if (turn.understood?.entities.user) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      let cold: Measured;
      try {
        cold = await measure(info, TURNS, () => clock.advance(MINUTE_MS), say, scenario.expect, true);
      } catch (error) {
        // A turn that did not give the expected answer is a finding of the bench, shown in its row, not a crash.
        const reason = error instanceof Error ? error.message : String(error);
        table.push([
          scenario.name,
          tenantLabel,
          'FAILED',
          reason.slice(0, 160).replace(/\|/g, '/'),
          '',
          '',
          '',
          '',
          '',
        ]);
        continue;
      }
      table.push([
        scenario.name,
        tenantLabel,
        String(cold.p50),
        String(cold.p95),
        String(cold.requests),
        String(cold.cpuMs),
        ...floorColumns(cold),
      ]);
      if (size === Math.max(...SIZES)) {
        const target = scenario.who === ALEX ? IMPACT_P95_TARGET_MS : P95_TARGET_MS;
        figures[`${scenario.name} @ ${tenantLabel}: p95 < ${target} ms`] = cold.p95 < target ? 'met' : 'NOT met';
        figures[`${scenario.name} @ ${tenantLabel}: bot CPU < ${CPU_TARGET_MS} ms/turn`] =
          cold.cpuMs < CPU_TARGET_MS ? 'met' : 'NOT met';
        if (cold.replay && cold.requests > 0) {
          figures[`${scenario.name} @ ${tenantLabel}: bot CPU − raw replay CPU ms/turn (the stack above bare reads)`] =
            round(cold.cpuMs - cold.replay.cpuMs, 2);
          figures[`${scenario.name} @ ${tenantLabel}: answers' KB / turn (what the reads must parse)`] = round(
            cold.replay.kilobytes,
            0,
          );
        }
      }
      if (scenario.text === 'show my connections') {
        const again = await measure(info, TURNS, () => undefined, say, scenario.expect);
        table.push([
          `${scenario.name}, again within a minute`,
          tenantLabel,
          String(again.p50),
          String(again.p95),
          String(again.requests),
          String(again.cpuMs),
          '—',
          '—',
          '—',
        ]);
      }
    }
    if (size === Math.max(...SIZES)) {
      // Part of every row's bot CPU that a server does not spend per turn: the chat session waits for the turn's
      // background work (jobs, deliveries) after each turn, where a server's workers poll on a timer. Measured on
      // the idle queues the turns above leave.
      const background = composition.services.background;
      await background.drain();
      const cpu = process.cpuUsage();
      for (let i = 0; i < TURNS; i++) await background.drain();
      const used = process.cpuUsage(cpu);
      figures["chat session's per-turn drain of background work, idle (inside every row's bot CPU): CPU ms"] = round(
        (used.user + used.system) / 1000 / TURNS,
        2,
      );
    }
  } finally {
    await composition?.close();
    await emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<{ figures: Record<string, number | string>; table: string[][] }> {
  configureLogging({ level: 'silent' });
  const table: string[][] = [
    [
      'turn',
      'tenant',
      'p50 ms',
      'p95 ms',
      'backend requests / turn',
      'bot CPU ms / turn',
      'raw replay CPU ms / turn (same requests, node:https + JSON.parse only)',
      'bot CPU / raw replay',
      'raw replay one request after another, CPU ms / turn',
    ],
  ];
  const figures: Record<string, number | string> = {
    'emulator latency per request ms': LATENCY_MS,
    throttling: FAULTS,
    'turns per row': TURNS,
  };
  for (const size of SIZES) await onTenant(size, table, figures);
  // Requests per turn must not depend on the tenant: compare each turn's figure across the sizes.
  for (const scenario of SCENARIOS) {
    const rows = table.filter((r) => r[0] === scenario.name).map((r) => Number(r[4]));
    figures[`${scenario.name}: requests / turn by tenant size`] = rows.join(' / ');
  }
  return { figures, table };
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
