/**
 * Tenant scan at scale: a synthetic tenant (default 100,000 connections in 200 environments and ~20,000 app
 * registrations) served by the emulator in a child process (so this process's RSS is the scanner's alone) at
 * 25 ms per request with the documented throttling budgets on. Figures: the notifications scanner's wall time,
 * the floor implied by latency and the budgets (longest chain of dependent requests × latency, and for each API
 * the time its token bucket needs to admit the requests the scan made), a SEQUENTIAL scan of the same tenant
 * (one request at a time, what a script looping over the admin cmdlets does), and peak RSS.
 * Env: SCAN_BENCH_SIZE (connections), SCAN_BENCH_SEED, SCAN_BENCH_LATENCY_MS, SCAN_BENCH_SEQUENTIAL_ENVS (measure
 * the sequential scan on that many environments and extrapolate; default all up to 20,000 connections, else 20).
 */
import { ClientSecretCredential } from '@azure/identity';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { runTrustingEmulator } from '../src/cli/emulatorTrust';
import { createTenantPorts, endpointsFromEmulator } from '../src/clients';
import type { EmulatorInfo } from '../src/emulator';
import { DEFAULT_BUDGETS } from '../src/emulator/faults';
import { configureLogging } from '../src/logging/logger';
import { TenantScanner } from '../src/notifications/tenantScanner';
import type { TenantPorts } from '../src/tenant/ports';
import { round } from './support/stats';

const SIZE = Number(process.env.SCAN_BENCH_SIZE ?? 100_000);
const SEED = Number(process.env.SCAN_BENCH_SEED ?? 42);
const LATENCY_MS = Number(process.env.SCAN_BENCH_LATENCY_MS ?? 25);
const SEQUENTIAL_ENVS = process.env.SCAN_BENCH_SEQUENTIAL_ENVS
  ? Number(process.env.SCAN_BENCH_SEQUENTIAL_ENVS)
  : SIZE <= 20_000
    ? Infinity
    : 20;
const FAULTS = '*:throttle=default';
const APIS = ['graph', 'bap', 'powerApps', 'powerPlatform', 'flow', 'dataverse'];
const FALLBACK_BUDGET = { capacity: 6000, windowMs: 300_000 };
const WITHIN_DAYS = 30;

interface Emulator {
  info: EmulatorInfo;
  stop(): Promise<void>;
}

/** The emulator in its own process, as `npm run emulator` runs it. */
async function startEmulatorProcess(): Promise<Emulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
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
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function portsFor(info: EmulatorInfo): TenantPorts {
  const credential = new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, {
    authorityHost: info.authorityHost,
    disableInstanceDiscovery: true,
  });
  return createTenantPorts(endpointsFromEmulator(info), credential);
}

async function requestCounts(info: EmulatorInfo): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const api of APIS) {
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
  const horizon = now.getTime() + WITHIN_DAYS * 86_400_000;
  for await (const app of tenant.directory.listApplications()) {
    const reportable = [...app.passwordCredentials, ...app.keyCredentials].some(
      (c) => c.endDateTime !== undefined && new Date(c.endDateTime).getTime() <= horizon,
    );
    if (reportable) await tenant.directory.listApplicationOwnerIds(app.id);
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

export async function run(): Promise<{ figures: Record<string, number | string> }> {
  configureLogging({ level: 'silent' });
  // 1. The notifications scanner, on a fresh emulator (full throttling buckets).
  let emulator = await startEmulatorProcess();
  let scanSeconds: number;
  let peakRss = 0;
  let counts: Record<string, number>;
  let findings: number;
  let partial: string[];
  let environments = 0;
  const baselineRss = process.memoryUsage().rss;
  try {
    const tenant = portsFor(emulator.info);
    const before = await requestCounts(emulator.info);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const started = Date.now();
    const scan = await new TenantScanner(tenant, { now: new Date(), withinDays: WITHIN_DAYS }).scan();
    scanSeconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const after = await requestCounts(emulator.info);
    counts = Object.fromEntries(APIS.map((api) => [api, after[api] - before[api]]));
    findings = scan.findings.length;
    partial = scan.partial;
    environments = (await tenant.connections.listEnvironments()).length;
  } finally {
    await emulator.stop();
  }

  // 2. The floor: dependent requests in a row, and each API's token bucket.
  const largestEnvironmentPages = Math.ceil(counts.powerApps / Math.max(1, environments));
  const chainMs = LATENCY_MS * (2 + largestEnvironmentPages);
  const throttleMs = APIS.map((api) => {
    const budget = DEFAULT_BUDGETS[api] ?? FALLBACK_BUDGET;
    const overCapacity = Math.max(0, counts[api] - budget.capacity);
    const bucketMs = (overCapacity * budget.windowMs) / budget.capacity;
    const concurrencyMs = budget.concurrency ? (counts[api] * LATENCY_MS) / budget.concurrency : 0;
    return Math.max(bucketMs, concurrencyMs);
  });
  const floorSeconds = Math.max(chainMs, ...throttleMs) / 1000;

  // 3. The sequential scan of the same tenant, on a fresh emulator.
  emulator = await startEmulatorProcess();
  let sequential;
  try {
    sequential = await sequentialScan(portsFor(emulator.info), new Date(), SEQUENTIAL_ENVS);
  } finally {
    await emulator.stop();
  }
  const sequentialSeconds = sequential.ms / 1000;
  const totalRequests = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    figures: {
      connections: SIZE,
      environments,
      'latency per request ms': LATENCY_MS,
      throttling: FAULTS,
      'requests by API': APIS.map((api) => `${api} ${counts[api]}`).join(', '),
      'requests total': totalRequests,
      findings,
      'could not check': partial.length ? partial.join('; ') : 'nothing',
      'scan wall time s': round(scanSeconds, 1),
      'floor s (latency chain / throttling budgets)': round(floorSeconds, 1),
      'ratio to floor': round(scanSeconds / floorSeconds, 2),
      'sequential scan s': `${round(sequentialSeconds, 1)}${sequential.extrapolated ? ` (measured on ${sequential.measuredEnvironments} of ${sequential.environments} environments, extrapolated)` : ''}`,
      'speed-up vs sequential': round(sequentialSeconds / scanSeconds, 1),
      'peak RSS MB': round(peakRss / 1024 / 1024, 0),
      'RSS before scan MB': round(baselineRss / 1024 / 1024, 0),
    },
  };
}

if (require.main === module) {
  void runTrustingEmulator(async () => {
    console.log(JSON.stringify(await run(), null, 2));
  });
}
