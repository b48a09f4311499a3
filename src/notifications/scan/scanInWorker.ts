/**
 * Runs a tenant scan in a worker thread. At 100,000 connections a scan is seconds of CPU (parsing ~150 MB of
 * answers, the rules), and in the bot's own thread it held chat turns back: the event loop waited ~110-150 ms at
 * the 99th percentile while a scan ran. In a worker the bot's thread only waits for the result, and on a machine
 * with a spare core the scan runs beside the turns. The worker builds its own clients from the same configuration
 * (threads share no objects) and hands back the TenantScan.
 *
 * Compiled, the worker is scanWorker.js; from TypeScript sources (tests, `npm run dev` through tsx) the thread
 * first registers tsx, which the main thread's loader does not lend to workers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TenantPortsOptions } from '../../clients';
import type { Config } from '../../config';
import type { ScanProgress } from './scanProgress';
import type { TenantScan, ScanOptions } from './tenantScanner';
import { currentPatienceMs } from '../../tenant/patience';

export interface ScanWorkerInput {
  config: Config;
  /** The demo tenant's URLs and app, when the bot runs on it. */
  emulatorInfo?: Parameters<typeof import('../../clients/tenantPortsFor').tenantPortsFor>[1];
  tenantPorts?: TenantPortsOptions;
  /** A certificate authority the thread must trust (the demo tenant's own; see threadTrust.ts). */
  trustCaPath?: string;
  options: Omit<ScanOptions, 'now' | 'onProgress'> & { now: string };
  /** The patience of the caller (a job waits out long Retry-Afters; see tenant/patience.ts): threads do not share it. */
  patienceMs?: number;
  /** Whether the main thread listens to progress (then the thread posts {progress} messages before its answer). */
  reportProgress?: boolean;
}

export type ScanWorkerOutput = { ok: true; scan: TenantScan } | { ok: false; message: string };
/** A message from the thread while it scans: how far it has got. */
export type ScanWorkerProgress = { progress: ScanProgress };

/** What a scan needs besides its options: the settings the worker builds its clients from. */
export type ScanWorkerSetup = Omit<ScanWorkerInput, 'options'>;

export class ScanWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScanWorkerError';
  }
}

function entry(): { file: string; typescript: boolean } {
  const compiled = path.join(__dirname, 'scanWorker.js');
  if (fs.existsSync(compiled)) return { file: compiled, typescript: false };
  return { file: path.join(__dirname, 'scanWorker.ts'), typescript: true };
}

/** Only plain settings cross into the thread (test seams such as a fake sleep stay behind). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) ?? undefined;
}

export function scanInWorker(setup: ScanWorkerSetup, options: ScanOptions): Promise<TenantScan> {
  const { file, typescript } = entry();
  // The listener stays on this thread (functions do not cross); progress comes back as messages.
  const { onProgress, ...scanOptions } = options;
  const workerData: ScanWorkerInput & { entry: string } = {
    config: plain(setup.config),
    emulatorInfo: plain(setup.emulatorInfo),
    tenantPorts: plain(setup.tenantPorts),
    trustCaPath: setup.trustCaPath,
    options: { ...scanOptions, now: options.now.toISOString() },
    patienceMs: currentPatienceMs(),
    reportProgress: onProgress !== undefined,
    entry: file,
  };
  const worker = typescript
    ? new Worker(
        "const { workerData } = require('node:worker_threads'); require(workerData.tsx).register(); require(workerData.entry);",
        { eval: true, workerData: { ...workerData, tsx: require.resolve('tsx/cjs/api') } },
      )
    : new Worker(file, { workerData });
  return new Promise<TenantScan>((resolve, reject) => {
    let settled = false;
    const onMessage = (message: ScanWorkerOutput | ScanWorkerProgress) => {
      if ('progress' in message) {
        try {
          onProgress?.(message.progress);
        } catch {
          // Showing progress must never cost the scan (the scanner's own reports are guarded the same way).
        }
        return;
      }
      const output = message;
      worker.off('message', onMessage);
      settled = true;
      if (output.ok) resolve(output.scan);
      else reject(new ScanWorkerError(output.message));
      void worker.terminate();
    };
    worker.on('message', onMessage);
    worker.once('error', (error) => {
      settled = true;
      reject(new ScanWorkerError(`the scan worker failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new ScanWorkerError(`the scan worker stopped (exit code ${code}) before it answered`));
    });
  });
}
