/**
 * One scan, start to end: read the tenant (as far as the largest threshold anyone asked for), then give each
 * recipient their digest. Whoever runs it (the scan job) has decided whether it may: it passes the scanner lease
 * it holds, checked before anything is written, and released at the end.
 */
import { randomUUID } from 'node:crypto';
import type { DomainContext } from '../../context';
import { getLogger } from '../../logging/logger';
import { planRecipients } from '../delivery/recipients';
import type { ScanDigests } from '../delivery/scanDigests';
import type { Subscriptions } from '../delivery/subscriptions';
import type { HeldScanLease } from './scanLease';
import type { ScanProgressListener } from './scanProgress';
import type { ScanDelivery, ScanResult } from './scanResult';
import { TenantScanner, type ScanOptions, type TenantScan } from './tenantScanner';

const log = getLogger('notifications');

/** Reads the tenant once (in this thread, or in a worker thread: the composition root decides). */
export type ScanTenant = (options: ScanOptions) => Promise<TenantScan>;

/** A scan's result, and which recipients (ledger keys, lower case) were sent a digest. */
export interface ScanOutcome {
  result: ScanResult;
  notified: Set<string>;
}

export interface ScanRunOptions {
  scanId: string;
  /** Held by the caller for this scan; released here at the end. None for a dry run. */
  lease?: HeldScanLease;
  dryRun: boolean;
  progress?: { onProgress: ScanProgressListener; flushed?: () => Promise<void> };
}

export interface ScanSettings {
  /** Scan read concurrency (environments at once, other reads at once). */
  environmentConcurrency?: number;
  readConcurrency?: number;
}

/** Starts with the ISO time: digest ids start with their scan's id, and history is pruned in key order. */
export function newScanId(now: Date): string {
  return `${now.toISOString()}-${randomUUID().slice(0, 8)}`;
}

export class ScanAndNotify {
  constructor(
    private readonly ctx: Pick<DomainContext, 'access' | 'clock' | 'config' | 'tenant'>,
    private readonly subscriptions: Subscriptions,
    private readonly digests: ScanDigests,
    private readonly settings: ScanSettings & { scan?: ScanTenant } = {},
  ) {}

  async run({ scanId, lease, dryRun, progress }: ScanRunOptions): Promise<ScanOutcome> {
    try {
      const now = this.ctx.clock.now();
      const defaults = this.ctx.config.EXPIRY_THRESHOLDS_DAYS;
      const [subscriptions, adminIds] = await Promise.all([this.subscriptions.all(), this.ctx.access.adminIds()]);
      const withinDays = Math.max(
        ...defaults,
        ...subscriptions.flatMap((s) => (s.kind === 'user' && s.active ? (s.thresholds ?? []) : [])),
      );
      const scanOptions: ScanOptions = {
        now,
        withinDays,
        environmentConcurrency: this.settings.environmentConcurrency,
        readConcurrency: this.settings.readConcurrency,
        onProgress: progress?.onProgress,
      };
      const scan = await (this.settings.scan
        ? this.settings.scan(scanOptions)
        : new TenantScanner(this.ctx.tenant, scanOptions).scan());
      // The last progress update is queued before the digests, so it never arrives after them.
      await progress?.flushed?.();
      const recipients = planRecipients({ adminIds, subscriptions, scan, defaultThresholds: defaults });
      const deliveries: ScanDelivery[] = [];
      const notified = new Set<string>();
      const beforeWrite = lease ? () => lease.assertHeld() : undefined;
      for (const recipient of recipients) {
        const delivery = await this.digests.notify(recipient, { scan, scanId, now, dryRun, beforeWrite });
        if (delivery) {
          deliveries.push(delivery);
          notified.add(recipient.key.toLowerCase());
        }
      }
      if (!dryRun) await this.digests.pruneHistory(now);
      log.info(
        { scanId, findings: scan.findings.length, deliveries: deliveries.length, partial: scan.partial.length },
        dryRun ? 'dry-run scan done' : 'scan done',
      );
      return { result: { findings: scan.findings, deliveries, partial: scan.partial }, notified };
    } finally {
      await lease?.release();
    }
  }
}
