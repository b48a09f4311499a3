/**
 * Proactive notifications as the chat edge and the composition root see them: one facade over the parts that do
 * the work (each in its own file):
 * - delivery/: who wants what (SubscriptionCommands), what a scan tells each of them (ScanDigests), a digest's
 *   [Show more] (showDigestPage), and the persistent, rate-limited outbox every notification goes through;
 * - scan/: the scan as a job (ScanJobs: "scan now", the schedule's ticks, the scan CLI's run), one scan start to
 *   end (ScanAndNotify), and the schedule (ScanSchedule).
 * `notifier` is what the composition root gives the domain as ctx.notifier.
 */
import type { Caller } from '../access/caller';
import type { Notification, Reply } from '../cards/reply';
import type { DomainContext, Notifier } from '../context';
import type { JobRunner } from '../jobs/jobRunner';
import type { DeliveryPort } from './delivery/deliveryPort';
import { DeliveryOutbox, type DrainReport } from './delivery/deliveryOutbox';
import { DigestArchive } from './delivery/digest';
import { showDigestPage } from './delivery/digestPages';
import { NotificationLedger } from './delivery/ledger';
import { ScanDigests } from './delivery/scanDigests';
import type { SlidingWindowLimiter } from './delivery/slidingWindowLimiter';
import { SubscriptionCommands } from './delivery/subscriptionCommands';
import { Subscriptions } from './delivery/subscriptions';
import { teamsRateLimiter } from './delivery/teamsRateLimits';
import { ScanAndNotify, type ScanTenant } from './scan/scanAndNotify';
import { ScanJobs, type ScanJobsOptions } from './scan/scanJobs';
import type { ScanWatcher } from './scan/scanWatcher';
import type { ScanProgressListener } from './scan/scanProgress';
import type { ScanResult } from './scan/scanResult';
import { ScanSchedule } from './scan/scanSchedule';

export type { DeliveryPort, DeliveryOutcome, DeliveryTarget } from './delivery/deliveryPort';
export type { ScanResult, ScanDelivery } from './scan/scanResult';

export interface NotificationsOptions extends ScanJobsOptions {
  /** Defaults to Teams' limits; the bench and tests may pass their own clock-driven limiter. */
  limiter?: SlidingWindowLimiter;
  deliveryConcurrency?: number;
  /** How long a claimed outbox item stays reserved (tests shorten it to simulate a crashed instance). */
  claimMs?: number;
  /** The outbox sender lease's ttl: how soon another instance sends after the sending one died (default 15 s). */
  senderLeaseMs?: number;
  /** Scan read concurrency (environments at once, other reads at once). */
  environmentConcurrency?: number;
  readConcurrency?: number;
  /** Runs one tenant scan; default: in this thread, on ctx.tenant (the composition root runs it in a worker). */
  scan?: ScanTenant;
}

export class NotificationsService {
  readonly subscriptions: Subscriptions;
  readonly ledger: NotificationLedger;
  readonly outbox: DeliveryOutbox;
  /** Queues notifications in the outbox and starts delivering them in the background (never waits for it). */
  readonly notifier: Notifier = {
    send: async (notifications: Notification[]) => {
      if (!notifications.length) return;
      await this.outbox.enqueueNotifications(notifications);
      this.outbox.kick();
    },
  };
  private readonly digests: DigestArchive;
  private readonly commands: SubscriptionCommands;
  private readonly scanJobs: ScanJobs;
  private readonly schedule: ScanSchedule;
  /** The outbox, its sender lease, Teams' windows and the scanner lease keep the bot's time, as the store does. */
  private readonly epochMs = (): number => this.ctx.clock.now().getTime();

  /** Scans run as jobs of `jobs` (the composition root's runner; the scan CLI's and tests' run on a queue in memory). */
  constructor(
    private readonly ctx: DomainContext,
    delivery: DeliveryPort,
    private readonly jobs: JobRunner,
    options: NotificationsOptions = {},
  ) {
    const records = ctx.store.records;
    this.subscriptions = new Subscriptions(records);
    this.ledger = new NotificationLedger(records);
    this.digests = new DigestArchive(records);
    this.outbox = new DeliveryOutbox({
      records,
      audit: ctx.store.audit,
      leases: ctx.store.leases,
      ledger: this.ledger,
      subscriptions: this.subscriptions,
      delivery,
      limiter: options.limiter ?? teamsRateLimiter({ now: this.epochMs }),
      now: this.epochMs,
      concurrency: options.deliveryConcurrency,
      claimMs: options.claimMs,
      senderLeaseMs: options.senderLeaseMs,
    });
    this.commands = new SubscriptionCommands(ctx, this.subscriptions);
    const scanDigests = new ScanDigests({
      records,
      ledger: this.ledger,
      digests: this.digests,
      outbox: this.outbox,
      directory: ctx.tenant.directory,
    });
    const scans = new ScanAndNotify(ctx, this.subscriptions, scanDigests, {
      environmentConcurrency: options.environmentConcurrency,
      readConcurrency: options.readConcurrency,
      scan: options.scan,
    });
    this.scanJobs = new ScanJobs(ctx, jobs, scans, this.notifier, () => this.outbox.kick(), options);
    this.schedule = new ScanSchedule(ctx.config, () => this.scanJobs.queueScheduledScan());
  }

  subscribe(caller: Caller, options: { thresholds?: number[] } = {}): Promise<Reply> {
    return this.commands.subscribe(caller, options);
  }

  unsubscribe(caller: Caller): Promise<Reply> {
    return this.commands.unsubscribe(caller);
  }

  subscribeChannel(caller: Caller, conversationKey: string): Promise<Reply> {
    return this.commands.subscribeChannel(caller, conversationKey);
  }

  scanNow(caller: Caller, watcher?: ScanWatcher): Promise<Reply> {
    return this.scanJobs.scanNow(caller, watcher);
  }

  /**
   * One scan now, run as a job by this process, and its result: for the scan CLI and tests, whose job runner is
   * theirs to drain (this drains it). Fails with ScanAlreadyRunningError when another scan holds the lease.
   */
  async runScan(options: { dryRun?: boolean; onProgress?: ScanProgressListener } = {}): Promise<ScanResult> {
    const queued = await this.scanJobs.queueDirect(options);
    await this.jobs.drain();
    return queued.result();
  }

  /** [Show more] on a digest: the digest is read again by id and shown only to whom it was sent. */
  digestPage(caller: Caller, digestId: string, page = 1): Promise<Reply> {
    return showDigestPage({ access: this.ctx.access, digests: this.digests }, caller, digestId, page);
  }

  /** The scan schedule and the outbox's background sender (a server runs both; the chat CLI drains instead). */
  startSchedule(): void {
    this.schedule.start();
    this.outbox.start();
  }

  /** When the scheduled scan runs next (undefined when not scheduled). */
  nextScheduledScan(): Date | undefined {
    return this.schedule.nextRun();
  }

  stopSchedule(): void {
    this.schedule.stop();
    void this.outbox.stop();
  }

  /**
   * Delivers what is queued, digests and notifications alike (the chat CLI and tests call it after each input; in
   * the server the notifier's kick and the outbox's background sender do it).
   */
  drainDeliveries(): Promise<DrainReport> {
    return this.outbox.drain();
  }
}
