/**
 * The entry of a scan worker thread (see scanInWorker.ts): builds its own tenant clients from the configuration it
 * is given, runs one TenantScanner (posting its progress when asked), posts the TenantScan back (a structured clone: its Maps and Sets arrive as
 * such) and ends. A failure is posted as a message, so the bot gets a plain error, never a dead thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trustCertificateAuthority } from '../../clients/threadTrust';
import { encodeTenantIndex } from '../../connections/tenantIndex';
import { tenantPortsFor } from '../../clients/tenantPortsFor';
import { configureLogging } from '../../logging/logger';
import type { ScanWorkerInput, ScanWorkerOutput, ScanWorkerProgress } from './scanInWorker';
import { TenantScanner } from './tenantScanner';
import { withPatience } from '../../tenant/patience';

async function main(input: ScanWorkerInput): Promise<ScanWorkerOutput> {
  configureLogging({ level: input.config.LOG_LEVEL });
  // Before the first request: the HTTP layer makes its one TLS context then.
  if (input.trustCaPath) trustCertificateAuthority(input.trustCaPath);
  try {
    const { tenant } = tenantPortsFor(input.config, input.emulatorInfo, input.tenantPorts);
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

// The caller's patience (a scan job waits out a long Retry-After; see tenant/patience.ts) crosses into the thread.
const input = workerData as ScanWorkerInput;
void withPatience(input.patienceMs ?? 0, () => main(input)).then((output) =>
  parentPort!.postMessage(
    output,
    output.ok && output.scan.encodedIndex ? [output.scan.encodedIndex.buffer as ArrayBuffer] : [],
  ),
);
