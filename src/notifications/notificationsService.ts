/**
 * Proactive notifications, the service the chat edge and the scheduler call: subscribe / unsubscribe, subscribe a
 * channel, "scan now", the scheduled scan (croner, SCAN_CRON in SCAN_TIMEZONE), and the digest's [Show more].
 * A scan = the streamed tenant scan (one at a time across instances, by lease) → per recipient, the ledger diff →
 * a digest card for whoever has something new, worse or resolved → the persistent, rate-limited outbox.
 * The domain's other notifications (approval cards and their updates, notes) go through the same outbox:
 * `notifier` is what the composition root gives the domain as ctx.notifier.
 */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Caller } from '../access/caller';
import { textReply, type Notification, type Reply } from '../cards/reply';
import type { DomainContext, Notifier } from '../context';
import { getLogger } from '../logging/logger';
import type { DeliveryPort } from './deliveryPort';
import { DeliveryOutbox, type DrainReport } from './deliveryOutbox';
import { buildDigest, digestPage, digestReply, DigestArchive, DIGESTS } from './digest';
import { NotificationLedger } from './ledger';
import { planRecipients, type Recipient } from './recipients';
import type { JobContext, JobRunner } from '../jobs/jobRunner';
import { HeldScanLease, ScanAlreadyRunningError, ScanLeaseLostError } from './scanLease';
import type { ScanProgressListener } from './scanProgress';
import { ScanProgressNotices } from './scanProgressNotices';
import type { ScanDelivery, ScanResult } from './scanResult';
import { Subscriptions } from './subscriptions';
import type { SlidingWindowLimiter } from './slidingWindowLimiter';
import { teamsRateLimiter } from './teamsRateLimits';
import { TenantScanner, type ScanOptions, type TenantScan } from './tenantScanner';

export type { DeliveryPort, DeliveryOutcome, DeliveryTarget } from './deliveryPort';
export type { ScanResult, ScanDelivery } from './scanResult';

const log = getLogger('notifications');

/** How long digests (for paging) and delivery receipts are kept. */
const HISTORY_DAYS = 30;
/**
 * "scan now" and the schedule's ticks are durable jobs: an instance that dies mid-scan leaves its job in the queue,
 * which hands it to another instance after the visibility timeout, and that one scans again under the same scan id
 * (so a digest the dead one had already queued is the same outbox item, not a second one).
 */
export const SCAN_JOB = 'notifications.scan';
/** A scan job that finds the scanner lease held (a live scan, or a dead one whose lease has not run out) asks again after this. */
const SCAN_WAIT_MS = 15_000;
/** Collection of the last finished scan ({scanId, startedAt, finishedAt}): a waiting request it covers is done. */
export const SCAN_RUNS = 'notificationScans';

interface ScanJob {
  scanId: string;
  /** ISO time of the request: a scan that started at or after it and finished covers it. */
  requestedAt: string;
  /** Times this request has waited for another scan to end. */
  waits?: number;
  /** The admin who said "scan now": told when the scan ends even if it found nothing new for them. */
  requestedBy?: string;
}

/** A scan's result, and which recipients (ledger keys) were sent a digest. */
interface ScanOutcome {
  result: ScanResult;
  notified: Set<string>;
}

interface ScanRun {
  scanId: string;
  startedAt: string;
  finishedAt: string;
}

export interface NotificationsOptions {
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
  /** Runs "scan now" and the scheduled scans as durable jobs (the composition root passes its runner); without
   * it they run in this process only (the scan CLI, unit tests). */
  jobs?: JobRunner;
  /** How long a scan job waits when another scan holds the lease (default 15 s; tests shorten it). */
  scanWaitMs?: number;
  /** The scanner lease's time to live (default 60 s): how long a dead instance's scan blocks the next one. */
  scanLeaseTtlMs?: number;
  /** Runs one tenant scan; default: in this thread, on ctx.tenant (the composition root runs it in a worker). */
  scan?: (options: ScanOptions) => Promise<TenantScan>;
}

export function parseThresholds(input: number[]): number[] | undefined {
  const days = [...new Set(input.filter((d) => Number.isInteger(d) && d >= 0 && d <= 365))].sort((a, b) => b - a);
  return days.length ? days : undefined;
}

function listDays(days: number[]): string {
  return days.length === 1 ? `${days[0]}` : `${days.slice(0, -1).join(', ')} and ${days[days.length - 1]}`;
}

/** Starts with the ISO time: digest ids start with their scan's id, and history is pruned in key order. */
function newScanId(now: Date): string {
  return `${now.toISOString()}-${randomUUID().slice(0, 8)}`;
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
  private cron?: Cron;
  private readonly background = new Set<Promise<unknown>>();
  /** The outbox, its sender lease, Teams' windows and the scanner lease keep the bot's time, as the store does. */
  private readonly epochMs = (): number => this.ctx.clock.now().getTime();

  constructor(
    private readonly ctx: DomainContext,
    delivery: DeliveryPort,
    private readonly options: NotificationsOptions = {},
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
    options.jobs?.register<ScanJob>(SCAN_JOB, (payload, job) => this.runScanJob(payload, job));
  }

  async subscribe(caller: Caller, options: { thresholds?: number[] } = {}): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) return textReply('I can only notify people of this organisation.');
    const thresholds = options.thresholds ? parseThresholds(options.thresholds) : undefined;
    if (options.thresholds && !thresholds) {
      return textReply('Tell me whole days between 0 and 365, for example "notify me 30, 7 and 1 days before".');
    }
    await this.subscriptions.setUser(caller.userId, { active: true, thresholds }, this.ctx.clock.now());
    const days =
      thresholds ??
      (await this.subscriptions.getUser(caller.userId))?.thresholds ??
      this.ctx.config.EXPIRY_THRESHOLDS_DAYS;
    const admin = await this.ctx.access.isAdmin(caller);
    const what = admin
      ? 'the tenant digest'
      : 'credentials of apps you own, and connections or flows of yours that break';
    return textReply(
      `Subscribed: you will hear about ${what}, ${listDays(days)} days before an expiry, once per step.`,
    );
  }

  async unsubscribe(caller: Caller): Promise<Reply> {
    await this.subscriptions.setUser(caller.userId, { active: false }, this.ctx.clock.now());
    return textReply('Unsubscribed: I will not send you digests or notes any more. Say "subscribe" to start again.');
  }

  async subscribeChannel(caller: Caller, conversationKey: string): Promise<Reply> {
    if (!(await this.ctx.access.isAdmin(caller))) {
      return textReply('Only Power Platform admins can subscribe a channel to the tenant digest.');
    }
    await this.subscriptions.setChannel(conversationKey, caller.userId, this.ctx.clock.now());
    return textReply('This channel now receives the tenant digest after each scan.');
  }

  async scanNow(caller: Caller): Promise<Reply> {
    if (!(await this.ctx.access.isAdmin(caller))) return textReply('Only Power Platform admins can start a scan.');
    let lease: HeldScanLease;
    try {
      lease = await HeldScanLease.take(this.ctx.store.leases, {
        ttlMs: this.options.scanLeaseTtlMs,
        now: this.epochMs,
      });
    } catch (error) {
      if (error instanceof ScanAlreadyRunningError) {
        return textReply('A scan is already running; its digest follows when it ends.');
      }
      throw error;
    }
    const started = 'Scanning the tenant now. Your digest follows when the scan ends (only what is new or changed).';
    const jobs = this.options.jobs;
    if (jobs) {
      // The lease was only a look: the job takes it again wherever it runs, and survives this instance.
      await lease.release();
      const now = this.ctx.clock.now();
      await jobs.enqueue<ScanJob>(SCAN_JOB, {
        scanId: newScanId(now),
        requestedAt: now.toISOString(),
        requestedBy: caller.userId,
      });
      return textReply(started);
    }
    const scanId = newScanId(this.ctx.clock.now());
    const progress = new ScanProgressNotices(this.notifier, this.ctx.clock, caller.userId, scanId);
    const work = this.scanHolding(lease, false, scanId, progress)
      .then((outcome) => this.tellRequester(caller.userId, outcome))
      .then(() => this.outbox.drain())
      .catch((error: unknown) => log.error({ err: error }, 'scan now failed'));
    this.track(work);
    return textReply(started);
  }

  /**
   * One scan request (a "scan now" or a schedule tick), as a job: waits while another scan holds the lease, is done
   * at once when a scan that started after the request has finished meanwhile, else scans under the request's id.
   */
  private async runScanJob(request: ScanJob, job: JobContext): Promise<void> {
    let lease: HeldScanLease;
    try {
      lease = await HeldScanLease.take(this.ctx.store.leases, {
        ttlMs: this.options.scanLeaseTtlMs,
        now: this.epochMs,
      });
    } catch (error) {
      if (!(error instanceof ScanAlreadyRunningError)) throw error;
      const waits = (request.waits ?? 0) + 1;
      log.info({ scanId: request.scanId, waits }, 'another scan holds the lease; this request waits for it to end');
      await this.options.jobs!.enqueue<ScanJob>(
        SCAN_JOB,
        { ...request, waits },
        { delayMs: this.options.scanWaitMs ?? SCAN_WAIT_MS, id: `${SCAN_JOB}:${request.scanId}:wait${waits}` },
      );
      return;
    }
    const last = (await this.ctx.store.records.get<ScanRun>(SCAN_RUNS, 'last'))?.value;
    if (last && last.startedAt >= request.requestedAt) {
      await lease.release();
      log.info({ scanId: request.scanId, coveredBy: last.scanId }, 'scan request covered by a later scan');
      return;
    }
    if (job.attempt > 1) log.info({ scanId: request.scanId, attempt: job.attempt }, 'taking over an unfinished scan');
    const startedAt = this.ctx.clock.now().toISOString();
    let outcome: ScanOutcome;
    try {
      // The requester watches the scan on one card (a takeover continues the same card: same scan id).
      const progress = request.requestedBy
        ? new ScanProgressNotices(this.notifier, this.ctx.clock, request.requestedBy, request.scanId)
        : undefined;
      outcome = await this.scanHolding(lease, false, request.scanId, progress);
    } catch (error) {
      // Another instance took the lease while this one stalled; it carries on.
      if (error instanceof ScanLeaseLostError) return;
      throw error;
    }
    await this.ctx.store.records.put<ScanRun>(SCAN_RUNS, 'last', {
      scanId: request.scanId,
      startedAt,
      finishedAt: this.ctx.clock.now().toISOString(),
    });
    if (request.requestedBy) await this.tellRequester(request.requestedBy, outcome);
    this.outbox.kick();
  }

  /**
   * Whoever said "scan now" hears back when it ends: their digest, or — when nothing is new or changed for them —
   * a note saying so, rather than silence.
   */
  private async tellRequester(userId: string, { result, notified }: ScanOutcome): Promise<void> {
    if (notified.has(`user:${userId.toLowerCase()}`)) return;
    const open = result.findings.length;
    const partial = result.partial.length
      ? ` Some things could not be checked: ${result.partial.slice(0, 3).join('; ')}${result.partial.length > 3 ? '…' : ''}.`
      : '';
    await this.notifier.send([
      {
        toUserId: userId,
        reply: textReply(
          `Scan finished: nothing new or changed for you since your last digest. ${open} finding${open === 1 ? ' is' : 's are'} still open; say "health report" to see them all.${partial}`,
        ),
      },
    ]);
  }

  /** Resolves once background scans and deliveries started by this service have finished (tests, CLI). */
  async whenIdle(): Promise<void> {
    while (this.background.size) await Promise.all([...this.background]);
  }

  async runScan(options: { dryRun?: boolean; onProgress?: ScanProgressListener } = {}): Promise<ScanResult> {
    const lease = options.dryRun
      ? undefined
      : await HeldScanLease.take(this.ctx.store.leases, { ttlMs: this.options.scanLeaseTtlMs, now: this.epochMs });
    const progress = options.onProgress && { onProgress: options.onProgress };
    return (await this.scanHolding(lease, options.dryRun === true, undefined, progress)).result;
  }

  /** The scan itself; releases `lease` (when given) at the end. */
  private async scanHolding(
    lease: HeldScanLease | undefined,
    dryRun: boolean,
    id?: string,
    progress?: { onProgress: ScanProgressListener; flushed?: () => Promise<void> },
  ): Promise<ScanOutcome> {
    try {
      const now = this.ctx.clock.now();
      const scanId = id ?? newScanId(now);
      const defaults = this.ctx.config.EXPIRY_THRESHOLDS_DAYS;
      const [subscriptions, adminIds] = await Promise.all([this.subscriptions.all(), this.ctx.access.adminIds()]);
      const withinDays = Math.max(
        ...defaults,
        ...subscriptions.flatMap((s) => (s.kind === 'user' && s.active ? (s.thresholds ?? []) : [])),
      );
      const scanOptions: ScanOptions = {
        now,
        withinDays,
        environmentConcurrency: this.options.environmentConcurrency,
        readConcurrency: this.options.readConcurrency,
        onProgress: progress?.onProgress,
      };
      const scan = await (this.options.scan
        ? this.options.scan(scanOptions)
        : new TenantScanner(this.ctx.tenant, scanOptions).scan());
      // The last progress update is queued before the digests, so it never arrives after them.
      await progress?.flushed?.();
      const recipients = planRecipients({ adminIds, subscriptions, scan, defaultThresholds: defaults });
      const deliveries: ScanDelivery[] = [];
      const notified = new Set<string>();
      for (const recipient of recipients) {
        const delivery = await this.notify(recipient, scan, scanId, now, lease, dryRun);
        if (delivery) {
          deliveries.push(delivery);
          notified.add(recipient.key.toLowerCase());
        }
      }
      if (!dryRun) await this.pruneHistory(now);
      log.info(
        { scanId, findings: scan.findings.length, deliveries: deliveries.length, partial: scan.partial.length },
        dryRun ? 'dry-run scan done' : 'scan done',
      );
      return { result: { findings: scan.findings, deliveries, partial: scan.partial }, notified };
    } finally {
      await lease?.release();
    }
  }

  /** Digests (for [Show more]) and delivery receipts are kept HISTORY_DAYS, then dropped. */
  private async pruneHistory(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString();
    const records = this.ctx.store.records;
    const old: string[] = [];
    // Digest ids start with the scan's ISO time, so key order is time order.
    for await (const r of records.list(DIGESTS)) {
      if (r.key >= cutoff) break;
      old.push(r.key);
    }
    for (const key of old) await records.delete(DIGESTS, key);
    await this.ledger.pruneReceipts(cutoff);
  }

  async handleAction(
    caller: Caller,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ reply: Reply } | undefined> {
    if (verb !== 'digest.page') return undefined;
    const digest = typeof data.digestId === 'string' ? await this.digests.get(data.digestId) : undefined;
    if (!digest) return { reply: textReply('That digest is no longer available; the next scan sends a fresh one.') };
    const own = digest.recipient === `user:${caller.userId.toLowerCase()}`;
    if (!own && !(digest.audience === 'tenant' && (await this.ctx.access.isAdmin(caller)))) {
      return { reply: textReply('This digest was sent to someone else.') };
    }
    const page = Math.max(1, Math.floor(Number(data.page) || 1));
    return { reply: { cards: [digestPage(digest, page)] } };
  }

  startSchedule(): void {
    if (this.cron) return;
    this.cron = new Cron(
      this.ctx.config.SCAN_CRON,
      { timezone: this.ctx.config.SCAN_TIMEZONE, protect: true, name: 'tenant-scan' },
      async () => {
        const jobs = this.options.jobs;
        if (jobs) {
          // Every instance's schedule fires: the tick's minute names the job, so they all queue the same one.
          const tick = new Date(Math.floor(this.ctx.clock.now().getTime() / 60_000) * 60_000).toISOString();
          await jobs
            .enqueue<ScanJob>(
              SCAN_JOB,
              { scanId: `${tick}-scheduled`, requestedAt: tick },
              { id: `${SCAN_JOB}:${tick}` },
            )
            .catch((error: unknown) => log.error({ err: error }, 'could not queue the scheduled scan'));
          return;
        }
        const work = this.runScan()
          .then(() => this.outbox.drain())
          .catch((error: unknown) => {
            if (error instanceof ScanAlreadyRunningError)
              log.info('scheduled scan skipped: another instance is scanning');
            else log.error({ err: error }, 'scheduled scan failed');
          });
        this.track(work);
        await work;
      },
    );
    this.outbox.start();
    log.info(
      { cron: this.ctx.config.SCAN_CRON, timezone: this.ctx.config.SCAN_TIMEZONE, next: this.cron.nextRun() },
      'scan scheduled',
    );
  }

  /** When the scheduled scan runs next (undefined when not scheduled). */
  nextScheduledScan(): Date | undefined {
    return this.cron?.nextRun() ?? undefined;
  }

  stopSchedule(): void {
    this.cron?.stop();
    this.cron = undefined;
    void this.outbox.stop();
  }

  /**
   * Delivers what is queued, digests and notifications alike (the chat CLI and tests call it after each input; in
   * the server the notifier's kick and the schedule's worker do it in the background).
   */
  drainDeliveries(): Promise<DrainReport> {
    return this.outbox.drain();
  }

  private async notify(
    recipient: Recipient,
    scan: TenantScan,
    scanId: string,
    now: Date,
    lease: HeldScanLease | undefined,
    dryRun: boolean,
  ): Promise<ScanDelivery | undefined> {
    const diff = await this.ledger.diff({
      recipient: recipient.key,
      findings: recipient.findings,
      thresholds: recipient.thresholds,
      scopeOf: scan.scopeOf,
      checkedScopes: scan.checkedScopes,
      scanId,
      now,
    });
    const hasNews = diff.changes.length > 0 || diff.resolved.length > 0;
    const digest = hasNews
      ? buildDigest({ id: `${scanId}|${recipient.key}`, diff, audience: recipient.audience, partial: scan.partial })
      : undefined;
    const reply = digest ? digestReply(digest) : undefined;
    if (!dryRun) {
      await lease?.assertHeld();
      if (digest && reply) {
        await this.digests.save(digest);
        await this.outbox.enqueue({ scanId, recipient: recipient.key, target: recipient.target, reply });
      }
      // After queuing: a crash in between re-notifies next time rather than losing a notification.
      await this.ledger.commit(diff);
    }
    if (!reply) return undefined;
    return { to: await this.addressOf(recipient, scan), text: reply.text ?? '', cards: reply.cards };
  }

  private async addressOf(recipient: Recipient, scan: TenantScan): Promise<string> {
    if (!('userId' in recipient.target)) return recipient.target.conversationKey;
    const id = recipient.target.userId;
    const known = scan.users.get(id.toLowerCase());
    if (known) return known.userPrincipalName;
    const user = await this.ctx.tenant.directory.getUser(id).catch(() => undefined);
    return user?.userPrincipalName ?? id;
  }

  private track(work: Promise<unknown>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }
}
