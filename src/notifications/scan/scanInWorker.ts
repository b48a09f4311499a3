/**
 * Runs a tenant scan in a worker thread. At 100,000 connections a scan is seconds of CPU (parsing ~150 MB of
 * answers, the rules), and in the bot's own thread it held chat turns back. In a worker the bot's thread only
 * waits for the result, and on a machine with a spare core the scan runs beside the turns. The thread builds its
 * own clients (threads share no objects): the composition root names the thread's entry file, which builds them
 * from `setup`, and hands the scan to scanWorker.ts.
 *
 * Compiled, the entry is a .js file; from TypeScript sources (tests, `npm run dev` through tsx) the thread first
 * registers tsx, which the main thread's loader does not lend to workers.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ScanProgress } from './scanProgress';
import type { TenantScan, ScanOptions } from './tenantScanner';
import { BotError } from '../../tenant/errors';
import { currentPatienceMs } from '../../tenant/patience';

/** Which thread to start and what it builds its clients from (given by the composition root). */
export interface ScanThread {
  /** The entry file, without its extension (.js when compiled, else .ts through tsx). */
  entry: string;
  /** Plain data (it is copied into the thread): the settings the entry builds its tenant clients from. */
  setup: unknown;
}

export interface ScanWorkerInput {
  setup: unknown;
  options: Omit<ScanOptions, 'now' | 'onProgress'> & { now: string };
  /** The patience of the caller (a job waits out long Retry-Afters; see tenant/patience.ts): threads do not share it. */
  patienceMs?: number;
  /** Whether the main thread listens to progress (then the thread posts {progress} messages before its answer). */
  reportProgress?: boolean;
}

export type ScanWorkerOutput = { ok: true; scan: TenantScan } | { ok: false; message: string };
/** A message from the thread while it scans: how far it has got. */
export type ScanWorkerProgress = { progress: ScanProgress };

export class ScanWorkerError extends BotError {
  constructor(message: string) {
    super('scan.workerFailed', message);
    this.name = 'ScanWorkerError';
  }
}

/**
 * The scan thread's young generation (where V8 makes new objects), in MB. A scan parses ~150 MB of JSON answers
 * into objects that live for one page or one environment. In V8's default young generation (48 MB: two 16 MB
 * semi-spaces and as much for young large objects) many of them are still alive at each scavenge, so they are
 * copied and promoted to the old generation only to die there. Twice that scavenges half as often and promotes
 * about a fifth fewer bytes; peak RSS does not grow (less promoted garbage). Four times that grew peak RSS by
 * 30–50 MB for little more. The scan bench gives its measured scan the same setting (SCAN_SEMI_SPACE_MB).
 */
export const SCAN_YOUNG_GENERATION_MB = 96;
/** The same young generation as the node flag --max-semi-space-size says it: V8 sizes it as three semi-spaces. */
export const SCAN_SEMI_SPACE_MB = SCAN_YOUNG_GENERATION_MB / 3;

function entryFile(entry: string): { file: string; typescript: boolean } {
  const compiled = `${entry}.js`;
  if (fs.existsSync(compiled)) return { file: compiled, typescript: false };
  return { file: `${entry}.ts`, typescript: true };
}

export function scanInWorker(thread: ScanThread, options: ScanOptions): Promise<TenantScan> {
  const { file, typescript } = entryFile(thread.entry);
  // The listener stays on this thread (functions do not cross); progress comes back as messages.
  const { onProgress, ...scanOptions } = options;
  const workerData: ScanWorkerInput & { entry: string } = {
    setup: thread.setup,
    options: { ...scanOptions, now: options.now.toISOString() },
    patienceMs: currentPatienceMs(),
    reportProgress: onProgress !== undefined,
    entry: file,
  };
  const resourceLimits = { maxYoungGenerationSizeMb: SCAN_YOUNG_GENERATION_MB };
  const worker = typescript
    ? new Worker(
        "const { workerData } = require('node:worker_threads'); require(workerData.tsx).register(); require(workerData.entry);",
        { eval: true, workerData: { ...workerData, tsx: require.resolve('tsx/cjs/api') }, resourceLimits },
      )
    : new Worker(file, { workerData, resourceLimits });
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
