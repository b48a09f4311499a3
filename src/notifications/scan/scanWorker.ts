/**
 * The scan's side of a scan worker thread (see scanInWorker.ts): gets its tenant clients from the entry the
 * composition root names (threads share no objects, so the thread builds its own from plain settings), runs one
 * TenantScanner (posting its progress when asked), posts the TenantScan back (a structured clone: its Maps and
 * Sets arrive as such) and ends. A failure is posted as a message, so the bot gets a plain error, never a dead
 * thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeTenantIndex } from '../../connections/tenantIndex';
import type { TenantPorts } from '../../tenant/ports';
import { withPatience } from '../../tenant/patience';
import type { ScanWorkerInput, ScanWorkerOutput, ScanWorkerProgress } from './scanInWorker';
import { TenantScanner } from './tenantScanner';

/** Builds the thread's tenant clients from the setup the composition root sent along. */
export type ScanWorkerTenant = (setup: unknown) => TenantPorts;

async function main(input: ScanWorkerInput, tenantFor: ScanWorkerTenant): Promise<ScanWorkerOutput> {
  try {
    const tenant = tenantFor(input.setup);
    const onProgress = input.reportProgress
      ? (progress: ScanWorkerProgress['progress']) => parentPort!.postMessage({ progress } satisfies ScanWorkerProgress)
      : undefined;
    const { index, ...scan } = await new TenantScanner(tenant, {
      ...input.options,
      now: new Date(input.options.now),
      onProgress,
    }).scan();
    // As bytes, moved rather than cloned: see encodeTenantIndex.
    return { ok: true, scan: { ...scan, encodedIndex: index && encodeTenantIndex(index) } };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Called once by the thread's entry file: answers the scan this thread was started for. */
export function answerScanInThisThread(tenantFor: ScanWorkerTenant): void {
  // The caller's patience (a scan job waits out a long Retry-After; see tenant/patience.ts) crosses into the thread.
  const input = workerData as ScanWorkerInput;
  void withPatience(input.patienceMs ?? 0, () => main(input, tenantFor)).then((output) =>
    parentPort!.postMessage(
      output,
      output.ok && output.scan.encodedIndex ? [output.scan.encodedIndex.buffer as ArrayBuffer] : [],
    ),
  );
}
