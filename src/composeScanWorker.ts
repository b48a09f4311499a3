/**
 * The scan worker thread's wiring, next to the composition root: the bot's side says which thread to start and
 * with which settings (scanWorkerFor); the thread's side (scanWorkerThread.ts) builds its tenant clients from those
 * settings as compose() builds the bot's, then hands them to the scan (notifications/scan/scanWorker.ts).
 */
import * as path from 'node:path';
import type { TenantPortsOptions } from './clients';
import { trustCertificateAuthority } from './clients/threadTrust';
import { tenantPortsFor } from './clients/tenantPortsFor';
import type { Config } from './config';
import { configureLogging } from './logging/logger';
import type { ScanThread } from './notifications/scan/scanInWorker';
import type { TenantPorts } from './tenant/ports';

/** What a scan thread builds its clients from: the same settings as the bot's. */
export interface ScanWorkerSetup {
  config: Config;
  /** The demo tenant's URLs and app, when the bot runs on it. */
  emulatorInfo?: Parameters<typeof tenantPortsFor>[1];
  tenantPorts?: TenantPortsOptions;
  /** A certificate authority the thread must trust (the demo tenant's own; see threadTrust.ts). */
  trustCaPath?: string;
}

/** Only plain settings cross into the thread (test seams such as a fake sleep stay behind). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) ?? undefined;
}

export function scanWorkerFor(setup: ScanWorkerSetup): ScanThread {
  const crossing: ScanWorkerSetup = {
    config: plain(setup.config),
    emulatorInfo: plain(setup.emulatorInfo),
    tenantPorts: plain(setup.tenantPorts),
    trustCaPath: setup.trustCaPath,
  };
  return { entry: path.join(__dirname, 'scanWorkerThread'), setup: crossing };
}

/** In the thread: its logging, its trust in the demo tenant's certificate, its tenant clients. */
export function scanWorkerTenant(setup: unknown): TenantPorts {
  const { config, emulatorInfo, tenantPorts, trustCaPath } = setup as ScanWorkerSetup;
  configureLogging({ level: config.LOG_LEVEL });
  // Before the first request: the HTTP layer makes its one TLS context then.
  if (trustCaPath) trustCertificateAuthority(trustCaPath);
  return tenantPortsFor(config, emulatorInfo, tenantPorts).tenant;
}
