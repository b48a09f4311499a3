/**
 * The scheduled scan: croner fires on SCAN_CRON in SCAN_TIMEZONE and queues a scan job for the tick (every
 * instance fires; they all queue the same job, see ScanJobs.queueScheduledScan).
 */
import { Cron } from 'croner';
import type { Config } from '../../config';
import { getLogger } from '../../logging/logger';

const log = getLogger('notifications');

export class ScanSchedule {
  private cron?: Cron;

  constructor(
    private readonly config: Pick<Config, 'SCAN_CRON' | 'SCAN_TIMEZONE'>,
    private readonly queueScan: () => Promise<void>,
  ) {}

  start(): void {
    if (this.cron) return;
    this.cron = new Cron(
      this.config.SCAN_CRON,
      { timezone: this.config.SCAN_TIMEZONE, protect: true, name: 'tenant-scan' },
      async () => {
        await this.queueScan().catch((error: unknown) =>
          log.error({ err: error }, 'could not queue the scheduled scan'),
        );
      },
    );
    log.info(
      { cron: this.config.SCAN_CRON, timezone: this.config.SCAN_TIMEZONE, next: this.cron.nextRun() },
      'scan scheduled',
    );
  }

  /** When the scheduled scan runs next (undefined when not scheduled). */
  nextRun(): Date | undefined {
    return this.cron?.nextRun() ?? undefined;
  }

  stop(): void {
    this.cron?.stop();
    this.cron = undefined;
  }
}
