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
import { HeldScanLease, ScanAlreadyRunningError } from './scanLease';
import type { ScanDelivery, ScanResult } from './scanResult';
import { Subscriptions } from './subscriptions';
import type { SlidingWindowLimiter } from './slidingWindowLimiter';
import { teamsRateLimiter } from './teamsRateLimits';
import { TenantScanner, type TenantScan } from './tenantScanner';

export type { DeliveryPort, DeliveryOutcome, DeliveryTarget } from './deliveryPort';
export type { ScanResult, ScanDelivery } from './scanResult';

const log = getLogger('notifications');

/** How long digests (for paging) and delivery receipts are kept. */
const HISTORY_DAYS = 30;

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
}

export function parseThresholds(input: number[]): number[] | undefined {
  const days = [...new Set(input.filter((d) => Number.isInteger(d) && d >= 0 && d <= 365))].sort((a, b) => b - a);
  return days.length ? days : undefined;
}

function listDays(days: number[]): string {
  return days.length === 1 ? `${days[0]}` : `${days.slice(0, -1).join(', ')} and ${days[days.length - 1]}`;
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
      limiter: options.limiter ?? teamsRateLimiter(),
      concurrency: options.deliveryConcurrency,
      claimMs: options.claimMs,
      senderLeaseMs: options.senderLeaseMs,
    });
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
      lease = await HeldScanLease.take(this.ctx.store.leases);
    } catch (error) {
      if (error instanceof ScanAlreadyRunningError) {
        return textReply('A scan is already running; its digest follows when it ends.');
      }
      throw error;
    }
    const work = this.scanHolding(lease, false)
      .then(() => this.outbox.drain())
      .catch((error: unknown) => log.error({ err: error }, 'scan now failed'));
    this.track(work);
    return textReply('Scanning the tenant now. Your digest follows when the scan ends (only what is new or changed).');
  }

  /** Resolves once background scans and deliveries started by this service have finished (tests, CLI). */
  async whenIdle(): Promise<void> {
    while (this.background.size) await Promise.all([...this.background]);
  }

  async runScan(options: { dryRun?: boolean } = {}): Promise<ScanResult> {
    const lease = options.dryRun ? undefined : await HeldScanLease.take(this.ctx.store.leases);
    return this.scanHolding(lease, options.dryRun === true);
  }

  /** The scan itself; releases `lease` (when given) at the end. */
  private async scanHolding(lease: HeldScanLease | undefined, dryRun: boolean): Promise<ScanResult> {
    try {
      const now = this.ctx.clock.now();
      const scanId = `${now.toISOString()}-${randomUUID().slice(0, 8)}`;
      const defaults = this.ctx.config.EXPIRY_THRESHOLDS_DAYS;
      const [subscriptions, adminIds] = await Promise.all([this.subscriptions.all(), this.ctx.access.adminIds()]);
      const withinDays = Math.max(
        ...defaults,
        ...subscriptions.flatMap((s) => (s.kind === 'user' && s.active ? (s.thresholds ?? []) : [])),
      );
      const scan = await new TenantScanner(this.ctx.tenant, {
        now,
        withinDays,
        environmentConcurrency: this.options.environmentConcurrency,
        readConcurrency: this.options.readConcurrency,
      }).scan();
      const recipients = planRecipients({ adminIds, subscriptions, scan, defaultThresholds: defaults });
      const deliveries: ScanDelivery[] = [];
      for (const recipient of recipients) {
        const delivery = await this.notify(recipient, scan, scanId, now, lease, dryRun);
        if (delivery) deliveries.push(delivery);
      }
      if (!dryRun) await this.pruneHistory(now);
      log.info(
        { scanId, findings: scan.findings.length, deliveries: deliveries.length, partial: scan.partial.length },
        dryRun ? 'dry-run scan done' : 'scan done',
      );
      return { findings: scan.findings, deliveries, partial: scan.partial };
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
