/**
 * One scan at a time across instances: the store lease `scanner`, renewed while the scan runs. A scan that
 * crashed simply stops renewing; its lease expires and the next scan (any instance) takes it over. Before writing
 * the ledger the scan checks it still holds the lease, so a scan that stalled past its lease cannot write over
 * the one that took over.
 */
import { randomUUID } from 'node:crypto';
import { getLogger } from '../../logging/logger';
import type { Lease, LeaseStore } from '../../store/ports';
import { BotError } from '../../tenant/errors';

const log = getLogger('notifications');

export const SCANNER_LEASE = 'scanner';

export class ScanAlreadyRunningError extends BotError {
  constructor() {
    super(
      'scan.alreadyRunning',
      'A tenant scan is already running (on this or another instance); its digest will follow when it ends.',
    );
    this.name = 'ScanAlreadyRunningError';
  }
}

export class ScanLeaseLostError extends BotError {
  constructor() {
    super(
      'scan.leaseLost',
      'The scan lost its lease to another instance and stopped before notifying anyone; that instance carries on.',
    );
    this.name = 'ScanLeaseLostError';
  }
}

export class HeldScanLease {
  private lease: Lease;
  private lost = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly leases: LeaseStore,
    lease: Lease,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.lease = lease;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(ttlMs / 3)));
    this.timer.unref?.();
  }

  /** Takes the lease or throws ScanAlreadyRunningError. `owner` must be unique per process. */
  static async take(
    leases: LeaseStore,
    options: { owner?: string; ttlMs?: number; now?: () => number } = {},
  ): Promise<HeldScanLease> {
    const ttlMs = options.ttlMs ?? 60_000;
    const lease = await leases.acquire(SCANNER_LEASE, options.owner ?? `scan-${randomUUID()}`, ttlMs);
    if (!lease) throw new ScanAlreadyRunningError();
    return new HeldScanLease(leases, lease, ttlMs, options.now ?? Date.now);
  }

  /** Renews now and throws ScanLeaseLostError if someone else holds it. */
  async assertHeld(): Promise<void> {
    if (!(await this.renew())) throw new ScanLeaseLostError();
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    if (!this.lost) await this.leases.release(this.lease).catch(() => undefined);
  }

  private async renew(): Promise<boolean> {
    if (this.lost) return false;
    try {
      const renewed = await this.leases.renew(this.lease, this.ttlMs);
      if (!renewed) {
        this.lost = true;
        log.warn('the scanner lease was taken over by another instance');
        return false;
      }
      this.lease = renewed;
      return true;
    } catch (error) {
      log.warn({ err: error }, 'could not renew the scanner lease; will try again');
      return this.lease.expiresAt > this.now();
    }
  }
}
