/**
 * Tenant scan at scale: a synthetic tenant (default 100,000 connections in 200 environments and ~20,000 app
 * registrations) served by the emulator in a child process (so this process's RSS is the scanner's alone) at
 * 25 ms per request with the documented throttling budgets on. Figures: the notifications scanner's wall time,
 * the floor implied by latency and the budgets (longest chain of dependent requests × latency, sign-in included,
 * and for each API the time its token bucket, and Dataverse's 52 concurrent requests per org, need to admit the
 * requests the scan made), a SEQUENTIAL scan of the same tenant
 * (one request at a time, what a script looping over the admin cmdlets does), peak RSS, and this machine's own floor:
 * the scan's recorded requests replayed all at once with nothing but HTTPS and JSON.parse on the client (rawReplay);
 * and the scan as the bot runs it, in a worker thread, with how long the bot's own thread is held meanwhile.
 * Env: SCAN_BENCH_SIZE (connections), SCAN_BENCH_SEED, SCAN_BENCH_LATENCY_MS, SCAN_BENCH_SEQUENTIAL_ENVS (measure
 * the sequential scan on that many environments and extrapolate; default all up to 20,000 connections, else 20).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as readline from 'node:readline';
import { createTenantPorts, endpointsFromEmulator } from '../src/clients';
import type { EmulatorInfo } from '../src/emulator';
import type { RecordedRequest } from '../src/emulator/core';
import { DEFAULT_BUDGETS } from '../src/emulator/faults';
import { configureLogging } from '../src/logging/logger';
import { scanWorkerFor } from '../src/composeScanWorker';
import { SCAN_SEMI_SPACE_MB, SCAN_YOUNG_GENERATION_MB, scanInWorker } from '../src/notifications/scan/scanInWorker';
import { TenantScanner } from '../src/notifications/scan/tenantScanner';
import { loadConfig } from '../src/config';
import type { TenantPorts } from '../src/tenant/ports';
import { round } from './support/stats';
import { credentialFactory, emulatorCredential } from '../src/clients/credentials';

const SIZE = Number(process.env.SCAN_BENCH_SIZE ?? 100_000);
const SEED = Number(process.env.SCAN_BENCH_SEED ?? 42);
const LATENCY_MS = Number(process.env.SCAN_BENCH_LATENCY_MS ?? 25);
const SEQUENTIAL_ENVS = process.env.SCAN_BENCH_SEQUENTIAL_ENVS
  ? Number(process.env.SCAN_BENCH_SEQUENTIAL_ENVS)
  : SIZE <= 20_000
    ? Infinity
    : 20;
const FAULTS = '*:throttle=default';
// `token`: the sign-in requests (authority metadata and one token per scope) are requests of the scan too.
const APIS = ['token', 'graph', 'bap', 'powerApps', 'powerPlatform', 'flow', 'dataverse'];
/** Graph $batch requests, and the requests inside them (each costs its units of the Graph budget). */
const BATCH_COUNTS = ['graph.batches', 'graph.batched'];
/** Requests before a fresh process's first call to an API: the authority's metadata, then the token. */
const SIGN_IN_STEPS = 2;
const FALLBACK_BUDGET = { capacity: 6000, windowMs: 300_000 };
const WITHIN_DAYS = 30;
/** Socket counts tried by the raw replay (the best one is reported). */
const REPLAY_SOCKETS = [32, 128, 512];
/** SCAN_BENCH_CPU_PROF=DIR: the emulator process writes a CPU profile there (node --cpu-prof is refused in NODE_OPTIONS). */
const PROFILE_ARGS = process.env.SCAN_BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SCAN_BENCH_CPU_PROF}`]
  : [];
/**
 * SCAN_BENCH_SCANNER_PROF=FILE: a CPU profile of the scanner during the measured scan alone (not the replay or the
 * worker run after it), written as FILE (.cpuprofile, opens in Chrome DevTools).
 */
const SCANNER_PROFILE = process.env.SCAN_BENCH_SCANNER_PROF;

/** Profiles this thread while `work` runs and writes the profile to `file`. */
async function profiled<T>(file: string, work: () => Promise<T>): Promise<T> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

interface Emulator {
  info: EmulatorInfo;
  /** CPU seconds the emulator process has used so far (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** The emulator in its own process, as `npm run emulator` runs it. */
async function startEmulatorProcess(): Promise<Emulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...PROFILE_ARGS,
      '--import',
      'tsx',
      path.join(__dirname, '..', 'src', 'cli', 'emulator.ts'),
      '--port',
      '0',
      '--scale',
      `${SEED}:${SIZE}`,
      '--latency',
      String(LATENCY_MS),
      '--faults',
      FAULTS,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const info = await new Promise<EmulatorInfo>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as EmulatorInfo));
  });
  return {
    info,
    cpuSeconds: () => {
      try {
        const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
      } catch {
        return NaN;
      }
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function portsFor(info: EmulatorInfo): TenantPorts {
  // As compose builds them: a credential factory, so token scopes spread over small MSAL caches.
  return createTenantPorts(
    endpointsFromEmulator(info),
    credentialFactory(() => emulatorCredential(info)),
  );
}

async function control(info: EmulatorInfo, name: string, body: unknown): Promise<void> {
  const response = await fetch(`${info.control}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${name}: ${response.status}`);
}

async function requestCounts(info: EmulatorInfo): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const api of [...APIS, ...BATCH_COUNTS]) {
    const response = await fetch(`${info.control}/requestCount?api=${api}`);
    counts[api] = ((await response.json()) as { count: number }).count;
  }
  return counts;
}

/** One request at a time, the same reads as the scanner: what a script over the admin cmdlets does. */
async function sequentialScan(tenant: TenantPorts, now: Date, maxEnvironments: number) {
  const drain = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  };
  const started = Date.now();
  const environments = await tenant.connections.listEnvironments();
  const sample = environments.slice(0, Math.min(maxEnvironments, environments.length));
  for (const env of sample) {
    await drain(tenant.connections.listConnections(env.id));
    await drain(tenant.flows.listFlows(env.id));
    if (!env.dataverseUrl) continue;
    await drain(tenant.dataverse.listConnectionReferences(env));
    for (const solution of await drain(tenant.dataverse.listSolutions(env))) {
      await drain(tenant.dataverse.listSolutionComponents(env, solution.id));
    }
    await drain(tenant.dataverse.listSolutionFlows(env));
    await drain(tenant.dataverse.listApplicationUsers(env));
  }
  const environmentsMs = Date.now() - started;
  const directoryStarted = Date.now();
  await drain(tenant.directory.listUsers());
  // The same owner look-ups as the scanner: apps with a credential ending between 30 days ago and the window.
  for await (const app of tenant.directory.listApplications()) {
    const needsOwners = [...app.passwordCredentials, ...app.keyCredentials].some((c) => {
      const days = c.endDateTime ? (new Date(c.endDateTime).getTime() - now.getTime()) / 86_400_000 : NaN;
      return days >= -30 && days <= WITHIN_DAYS;
    });
    if (needsOwners) await tenant.directory.listApplicationOwnerIds(app.id);
  }
  const directoryMs = Date.now() - directoryStarted;
  const scale = environments.length / Math.max(1, sample.length);
  return {
    measuredEnvironments: sample.length,
    environments: environments.length,
    ms: environmentsMs * scale + directoryMs,
    extrapolated: sample.length < environments.length,
  };
}

/**
 * The machine's own floor: the very requests the scan made (recorded by the emulator), sent again all at once over
 * one keep-alive agent, each answer only read and JSON.parsed — no page chains (a next page goes out before the
 * page that names it came back), no client library, no mapping, no rules. No scanner can be faster on this machine
 * against this emulator; what it costs is the HTTPS + JSON work on both sides of the loopback.
 */
async function rawReplay(origin: string, requests: RecordedRequest[], sockets: number, keep?: string[]) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: sockets });
  const target = new URL(origin);
  const statuses: Record<number, number> = {};
  let bytes = 0;
  const one = (r: RecordedRequest) =>
    new Promise<void>((resolve, reject) => {
      const request = https.request(
        { host: target.hostname, port: target.port, method: r.method, path: r.path, headers: r.headers, agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            bytes += text.length;
            if (text) JSON.parse(text);
            keep?.push(text);
            statuses[response.statusCode ?? 0] = (statuses[response.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(r.body);
    });
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  await Promise.all(requests.map(one));
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return { seconds, clientCpu: (cpu.user + cpu.system) / 1e6, statuses, bytes };
}

interface ScanPhase {
  seconds: number;
  counts: Record<string, number>;
  findings: number;
  partial: string[];
  environments: number;
  dataverseEnvironments: number;
  peakRss: number;
  baselineRss: number;
  peakHeap: number;
  scannerCpu: number;
  emulatorCpu: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  inWorker: { seconds: number; findings: number; loopDelayMs: { p99: number; max: number } };
  replay: {
    /** JSON.parse of every answer, in memory, no network. */
    parseSeconds?: number;
    sockets: number;
    seconds: number;
    clientCpu: number;
    emulatorCpu: number;
    requests: number;
    megabytes: number;
    notOk: number;
  };
}

/** The notifications scanner on a fresh emulator (full throttling buckets), in a process that loads nothing else. */
async function scanPhase(): Promise<ScanPhase> {
  configureLogging({ level: 'silent' });
  const emulator = await startEmulatorProcess();
  let peakRss = 0;
  let peakHeap = 0;
  const baselineRss = process.memoryUsage().rss;
  try {
    const tenant = portsFor(emulator.info);
    const before = await requestCounts(emulator.info);
    // The heap is sampled (V8's own figure, no system call: the sampler runs on the scan's thread and its cost is
    // charged to the scan); the peak RSS is the kernel's high-water mark for this process, which loaded nothing but
    // the scanner before the scan.
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, v8.getHeapStatistics().used_heap_size);
    }, 20);
    await control(emulator.info, 'recording', { on: true });
    // How long the scan holds up this event loop: a chat turn arriving at the bot during a scan waits that long.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuBefore = process.cpuUsage();
    const emulatorCpuBefore = emulator.cpuSeconds();
    const started = Date.now();
    const scanOnce = () => new TenantScanner(tenant, { now: new Date(), withinDays: WITHIN_DAYS }).scan();
    const scan = await (SCANNER_PROFILE ? profiled(SCANNER_PROFILE, scanOnce) : scanOnce());
    const seconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const emulatorCpu = emulator.cpuSeconds() - emulatorCpuBefore;
    loopDelay.disable();
    clearInterval(sampler);
    peakRss = process.resourceUsage().maxRSS * 1024;
    const after = await requestCounts(emulator.info);
    const recorded = ((await (await fetch(`${emulator.info.control}/recorded`)).json()) as { value: RecordedRequest[] })
      .value;
    await control(emulator.info, 'recording', { on: false });
    // The best of a few socket counts, each on full throttling buckets (setting the faults again refills them).
    let replay: ScanPhase['replay'] | undefined;
    const answers: string[] = [];
    for (const sockets of REPLAY_SOCKETS) {
      await control(emulator.info, 'faults', { spec: FAULTS });
      const replayEmulatorBefore = emulator.cpuSeconds();
      const run = await rawReplay(emulator.info.authorityHost, recorded, sockets, answers.length ? undefined : answers);
      const notOk = Object.entries(run.statuses)
        .filter(([status]) => Number(status) >= 300)
        .reduce((sum, [, n]) => sum + n, 0);
      const candidate = {
        sockets,
        seconds: run.seconds,
        clientCpu: run.clientCpu,
        emulatorCpu: emulator.cpuSeconds() - replayEmulatorBefore,
        requests: recorded.length,
        megabytes: run.bytes / 1e6,
        notOk,
      };
      if (!replay || candidate.seconds < replay.seconds) replay = candidate;
    }
    // The least any client must spend on these answers whatever its network code: parsing them (best of 3).
    let parseSeconds = Infinity;
    for (let round = 0; round < 3; round++) {
      const parseStarted = process.hrtime.bigint();
      for (const text of answers) if (text) JSON.parse(text);
      parseSeconds = Math.min(parseSeconds, Number(process.hrtime.bigint() - parseStarted) / 1e9);
    }
    replay!.parseSeconds = parseSeconds;

    // The scan as the bot runs it: in a worker thread (scanInWorker.ts), while this thread only waits. Its wall time,
    // and how long this thread's event loop (where the bot answers chat turns) is held meanwhile.
    await control(emulator.info, 'faults', { spec: FAULTS });
    const workerLoop = monitorEventLoopDelay({ resolution: 10 });
    workerLoop.enable();
    const workerStarted = Date.now();
    const workerScan = await scanInWorker(
      scanWorkerFor({
        config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
        emulatorInfo: emulator.info,
        trustCaPath: emulator.info.caCertPath,
      }),
      { now: new Date(), withinDays: WITHIN_DAYS },
    );
    const inWorker = {
      seconds: (Date.now() - workerStarted) / 1000,
      findings: workerScan.findings.length,
      loopDelayMs: { p99: workerLoop.percentile(99) / 1e6, max: workerLoop.max / 1e6 },
    };
    workerLoop.disable();
    return {
      seconds,
      counts: Object.fromEntries([...APIS, ...BATCH_COUNTS].map((api) => [api, after[api] - before[api]])),
      findings: scan.findings.length,
      partial: scan.partial,
      ...(await tenant.connections.listEnvironments().then((envs) => ({
        environments: envs.length,
        dataverseEnvironments: envs.filter((e) => e.dataverseUrl !== undefined).length,
      }))),
      peakRss,
      baselineRss,
      peakHeap,
      scannerCpu: (cpu.user + cpu.system) / 1e6,
      emulatorCpu,
      replay: replay!,
      inWorker,
      loopDelayMs: {
        p50: loopDelay.percentile(50) / 1e6,
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      },
    };
  } finally {
    await emulator.stop();
  }
}

/**
 * Runs scanPhase in a child process so that its RSS is the scanner's, whatever the bench harness loaded. The child
 * has the young generation the bot gives its scan thread (scanInWorker.ts), so the scan measured here, and the raw
 * replay beside it, run on the heap the bot's scan runs on.
 */
function scanPhaseInChild(): Promise<ScanPhase> {
  return new Promise((resolve, reject) => {
    const heap = [`--max-semi-space-size=${SCAN_SEMI_SPACE_MB}`];
    const child = spawn(process.execPath, [...heap, '--import', 'tsx', __filename], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, SCAN_BENCH_PHASE: 'scan' },
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop();
      if (code !== 0 || !last) reject(new Error(`the scan phase failed (exit ${code})`));
      else resolve(JSON.parse(last) as ScanPhase);
    });
  });
}

export async function run(): Promise<{ figures: Record<string, number | string> }> {
  configureLogging({ level: 'silent' });
  const phase = await scanPhaseInChild();
  const { counts, environments, findings, partial, peakRss, baselineRss, peakHeap, scannerCpu, emulatorCpu } = phase;
  const scanSeconds = phase.seconds;

  // 2. The floor: dependent requests in a row, and for each API the time its budget needs to admit the requests
  // the scan made. Chains: sign-in (authority metadata, token), then either the app registration pages (999 a
  // page) followed by one owner look-up, or the environment list followed by one environment's connection pages.
  // Budgets: a token bucket that starts full admits `capacity` at once and refills at capacity/window, so the
  // requests beyond capacity need (excess / rate) plus the last one's latency; Dataverse also allows 52 concurrent
  // requests per user per server (org), so each org needs ceil(its requests / 52) latencies.
  const environmentPages = Math.ceil(counts.powerApps / Math.max(1, environments));
  const applicationPages = Math.ceil(SIZE / 5 / 999);
  const ownerStep = counts.graph > applicationPages + Math.ceil(SIZE / 50 / 999) ? 1 : 0;
  // What the Graph budget is charged: a $batch costs the requests inside it.
  const units: Record<string, number> = {
    ...counts,
    graph: counts.graph - counts['graph.batches'] + counts['graph.batched'],
  };
  const chainMs = LATENCY_MS * (SIGN_IN_STEPS + Math.max(1 + environmentPages, applicationPages + ownerStep));
  const { dataverseEnvironments } = phase;
  const throttleMs = APIS.map((api) => {
    const budget = DEFAULT_BUDGETS[api] ?? FALLBACK_BUDGET;
    const overCapacity = Math.max(0, units[api] - budget.capacity);
    const bucketMs = overCapacity > 0 ? (overCapacity * budget.windowMs) / budget.capacity + LATENCY_MS : 0;
    const perOrg = counts[api] / Math.max(1, dataverseEnvironments);
    const concurrencyMs = budget.concurrency ? Math.ceil(perOrg / budget.concurrency) * LATENCY_MS : 0;
    return Math.max(bucketMs, concurrencyMs);
  });
  const floorSeconds = Math.max(chainMs, ...throttleMs) / 1000;

  // 3. The sequential scan of the same tenant, on a fresh emulator.
  const emulator = await startEmulatorProcess();
  let sequential;
  try {
    sequential = await sequentialScan(portsFor(emulator.info), new Date(), SEQUENTIAL_ENVS);
  } finally {
    await emulator.stop();
  }
  const sequentialSeconds = sequential.ms / 1000;
  const totalRequests = APIS.reduce((sum, api) => sum + counts[api], 0);
  return {
    figures: {
      connections: SIZE,
      environments,
      'latency per request ms': LATENCY_MS,
      throttling: FAULTS,
      'requests by API': APIS.map((api) => `${api} ${counts[api]}`).join(', '),
      'graph $batch requests (reads inside)': `${counts['graph.batches']} (${counts['graph.batched']})`,
      'requests total': totalRequests,
      findings,
      'could not check': partial.length ? partial.join('; ') : 'nothing',
      'scan wall time s': round(scanSeconds, 1),
      'floor s (latency chain / throttling budgets)': round(floorSeconds, 1),
      'ratio to floor': round(scanSeconds / floorSeconds, 2),
      'scanner CPU s during scan': round(scannerCpu, 1),
      'emulator CPU s during scan': round(emulatorCpu, 1),
      cores: os.cpus().length,
      'CPU floor on this machine s ((scanner + emulator CPU) / cores)': round(
        (scannerCpu + emulatorCpu) / os.cpus().length,
        1,
      ),
      'ratio to CPU floor': round(scanSeconds / ((scannerCpu + emulatorCpu) / os.cpus().length), 2),
      "raw replay s (the scan's requests all at once, answers only parsed; best of sockets 32/128/512)": `${round(phase.replay.seconds, 2)} (${phase.replay.sockets} sockets, ${phase.replay.requests} requests, ${round(phase.replay.megabytes, 0)} MB${phase.replay.notOk ? `, ${phase.replay.notOk} not 2xx` : ''})`,
      'raw replay CPU s (client / emulator)': `${round(phase.replay.clientCpu, 1)} / ${round(phase.replay.emulatorCpu, 1)}`,
      'JSON.parse alone of those answers s (in memory, best of 3)': round(phase.replay.parseSeconds ?? NaN, 2),
      'raw replay ratio to floor (no client can do better here)': round(phase.replay.seconds / floorSeconds, 2),
      'scan ratio to raw replay': round(scanSeconds / phase.replay.seconds, 2),
      'scan in a worker thread, as the bot runs it: wall s (findings)': `${round(phase.inWorker.seconds, 1)} (${phase.inWorker.findings})`,
      'bot thread event-loop delay meanwhile ms (p99 / max)': `${round(phase.inWorker.loopDelayMs.p99, 0)} / ${round(phase.inWorker.loopDelayMs.max, 0)}`,
      'event-loop delay during the scan in this thread ms (p50 / p99 / max)': `${round(phase.loopDelayMs.p50, 0)} / ${round(phase.loopDelayMs.p99, 0)} / ${round(phase.loopDelayMs.max, 0)}`,
      'sequential scan s': `${round(sequentialSeconds, 1)}${sequential.extrapolated ? ` (measured on ${sequential.measuredEnvironments} of ${sequential.environments} environments, extrapolated)` : ''}`,
      'speed-up vs sequential': round(sequentialSeconds / scanSeconds, 1),
      'peak RSS MB': round(peakRss / 1024 / 1024, 0),
      "young generation MB (the bot's scan thread's, given to this scan too)": SCAN_YOUNG_GENERATION_MB,
      'RSS before scan MB': round(baselineRss / 1024 / 1024, 0),
      'peak heap used MB': round(peakHeap / 1024 / 1024, 0),
    },
  };
}

if (require.main === module && process.env.SCAN_BENCH_PHASE === 'scan') {
  void scanPhase().then((phase) => console.log(JSON.stringify(phase)));
} else if (require.main === module) {
  // Imported only when run standalone: the trust helper pulls in the composition root, which would inflate RSS.
  void import('../src/cli/emulatorTrust').then(({ runTrustingEmulator }) =>
    runTrustingEmulator(async () => {
      console.log(JSON.stringify(await run(), null, 2));
    }),
  );
}
