/**
 * Every scan runs as a job: "scan now", the schedule's ticks, and the scan CLI's run (on an in-memory queue of its
 * own). A durable job survives its instance: one that dies mid-scan leaves its job in the queue, which hands it to
 * another instance after the visibility timeout, and that one scans again under the same scan id (so a digest the
 * dead one had already queued is the same outbox item, not a second one).
 */
import type { Caller } from '../../access/caller';
import { textReply, type Reply } from '../../cards/reply';
import type { DomainContext, Notifier } from '../../context';
import type { JobContext, JobRunner } from '../../jobs/jobRunner';
import { getLogger } from '../../logging/logger';
import { withPatience } from '../../tenant/patience';
import { newScanId, type ScanAndNotify, type ScanOutcome } from './scanAndNotify';
import { HeldScanLease, ScanAlreadyRunningError, ScanLeaseLostError } from './scanLease';
import type { ScanProgress, ScanProgressListener } from './scanProgress';
import { ScanProgressNotices } from './scanProgressNotices';
import type { ScanResult } from './scanResult';
import type { ScanWatcher } from './scanWatcher';

const log = getLogger('notifications');

export const SCAN_JOB = 'notifications.scan';
/** A scan job that finds the scanner lease held (a live scan, or a dead one whose lease has not run out) asks again after this. */
const SCAN_WAIT_MS = 15_000;
/** Collection of the last finished scan ({scanId, startedAt, finishedAt}): a waiting request it covers is done. */
export const SCAN_RUNS = 'notificationScans';

export interface ScanJob {
  scanId: string;
  /** ISO time of the request: a scan that started at or after it and finished covers it. */
  requestedAt: string;
  /** Times this request has waited for another scan to end. */
  waits?: number;
  /** The admin who said "scan now": told when the scan ends even if it found nothing new for them. */
  requestedBy?: string;
  /** Reads and compares with the ledger, but writes, queues and sends nothing (needs no lease). */
  dryRun?: boolean;
  /**
   * Run for someone in this process who waits for its result (the scan CLI, tests): it fails at once when another
   * scan holds the lease instead of waiting, is never covered by another scan, is not recorded as the last scan,
   * does not wait out a long Retry-After (someone is waiting), and its failure goes to whoever waits rather than
   * back to the queue.
   */
  direct?: boolean;
}

interface ScanRun {
  scanId: string;
  startedAt: string;
  finishedAt: string;
}

export interface ScanJobsOptions {
  /** How long a scan job waits when another scan holds the lease (default 15 s; tests shorten it). */
  scanWaitMs?: number;
  /** The scanner lease's time to live (default 60 s): how long a dead instance's scan blocks the next one. */
  scanLeaseTtlMs?: number;
}

/** Someone in this process waiting for a direct scan's result. */
interface Watcher {
  onProgress?: ScanProgressListener;
  settle(outcome: { result: ScanResult } | { error: unknown }): void;
}

export class ScanJobs {
  private readonly watchers = new Map<string, Watcher>();
  /** "Scan now" requests someone in this process shows as they happen (see ScanWatcher), by scan id. */
  private readonly liveWatchers = new Map<string, ScanWatcher>();

  constructor(
    private readonly ctx: Pick<DomainContext, 'access' | 'clock' | 'store'>,
    private readonly jobs: JobRunner,
    /** Runs one scan start to end (ScanAndNotify). */
    private readonly scans: Pick<ScanAndNotify, 'run'>,
    private readonly notifier: Notifier,
    /** Starts delivering what a scan queued (the outbox's kick). */
    private readonly startDelivery: () => void,
    private readonly options: ScanJobsOptions = {},
  ) {
    jobs.register<ScanJob>(SCAN_JOB, (payload, job) => this.run(payload, job));
  }

  /**
   * "scan now" in chat: an admin's request, answered at once; the scan runs as a job and its digest follows. With a
   * watcher (a one-on-one turn that streams), the job is started on this instance at once when it is free, and
   * reports to the watcher for as long as it watches.
   */
  async scanNow(caller: Caller, watcher?: ScanWatcher): Promise<Reply> {
    if (!(await this.ctx.access.isAdmin(caller))) return textReply('Only Power Platform admins can start a scan.');
    let lease: HeldScanLease;
    try {
      lease = await this.takeLease();
    } catch (error) {
      if (error instanceof ScanAlreadyRunningError) {
        return textReply('A scan is already running; its digest follows when it ends.');
      }
      throw error;
    }
    // The lease was only a look: the job takes it again wherever it runs, and survives this instance.
    await lease.release();
    const now = this.ctx.clock.now();
    const scanId = newScanId(now);
    if (watcher) {
      for (const [id, earlier] of this.liveWatchers) if (!earlier.watching) this.liveWatchers.delete(id);
      this.liveWatchers.set(scanId, watcher);
    }
    await this.jobs.enqueue<ScanJob>(SCAN_JOB, { scanId, requestedAt: now.toISOString(), requestedBy: caller.userId });
    if (watcher) {
      watcher.onQueued();
      this.jobs.runSoon();
    }
    return textReply('Scanning the tenant now. Your digest follows when the scan ends (only what is new or changed).');
  }

  /** A schedule tick. Every instance's schedule fires: the tick's minute names the job, so they all queue the same one. */
  async queueScheduledScan(): Promise<void> {
    const tick = new Date(Math.floor(this.ctx.clock.now().getTime() / 60_000) * 60_000).toISOString();
    await this.jobs.enqueue<ScanJob>(
      SCAN_JOB,
      { scanId: `${tick}-scheduled`, requestedAt: tick },
      { id: `${SCAN_JOB}:${tick}` },
    );
  }

  /**
   * Queues a direct scan and returns its result once this process has run it: call the job runner's drain() (the
   * scan CLI and tests do; they own their queue) and then `result()`.
   */
  async queueDirect(options: { dryRun?: boolean; onProgress?: ScanProgressListener }): Promise<{
    result: () => Promise<ScanResult>;
  }> {
    const now = this.ctx.clock.now();
    const scanId = newScanId(now);
    let settled: { result: ScanResult } | { error: unknown } | undefined;
    this.watchers.set(scanId, {
      onProgress: options.onProgress,
      settle: (outcome) => {
        settled = outcome;
        this.watchers.delete(scanId);
      },
    });
    await this.jobs.enqueue<ScanJob>(SCAN_JOB, {
      scanId,
      requestedAt: now.toISOString(),
      dryRun: options.dryRun === true,
      direct: true,
    });
    return {
      result: async () => {
        if (!settled) {
          this.watchers.delete(scanId);
          throw new Error('The scan has not run in this process (another instance took its job).');
        }
        if ('error' in settled) throw settled.error;
        return settled.result;
      },
    };
  }

  private async run(request: ScanJob, job: JobContext): Promise<void> {
    if (!request.direct) return this.runRequest(request, job);
    const watcher = this.watchers.get(request.scanId);
    try {
      // Someone waits for it, as in a turn: a long Retry-After makes it partial rather than waited out.
      const outcome = await withPatience(0, () => this.runDirect(request, watcher?.onProgress));
      watcher?.settle({ result: outcome.result });
    } catch (error) {
      // Whoever waits hears of it; a direct scan is not retried (nobody would wait for the retry).
      if (!watcher) log.warn({ err: error, scanId: request.scanId }, 'a direct scan failed');
      watcher?.settle({ error });
    }
  }

  private async runDirect(request: ScanJob, onProgress?: ScanProgressListener): Promise<ScanOutcome> {
    const lease = request.dryRun ? undefined : await this.takeLease();
    const progress = onProgress && { onProgress };
    return this.scans.run({ scanId: request.scanId, lease, dryRun: request.dryRun === true, progress });
  }

  /**
   * One scan request (a "scan now" or a schedule tick): waits while another scan holds the lease, is done at once
   * when a scan that started after the request has finished meanwhile, else scans under the request's id.
   */
  private async runRequest(request: ScanJob, job: JobContext): Promise<void> {
    const watcher = this.liveWatchers.get(request.scanId);
    try {
      await this.runWatchedRequest(request, job, watcher);
    } finally {
      // Whatever happened here, this instance reports no more to the watcher (a no-op once the scan is done).
      this.liveWatchers.delete(request.scanId);
      if (watcher?.watching) watcher.onStopped();
    }
  }

  private async runWatchedRequest(request: ScanJob, job: JobContext, watcher?: ScanWatcher): Promise<void> {
    let lease: HeldScanLease;
    try {
      lease = await this.takeLease();
    } catch (error) {
      if (!(error instanceof ScanAlreadyRunningError)) throw error;
      const waits = (request.waits ?? 0) + 1;
      log.info({ scanId: request.scanId, waits }, 'another scan holds the lease; this request waits for it to end');
      await this.jobs.enqueue<ScanJob>(
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
      const notices = request.requestedBy
        ? new ScanProgressNotices(this.notifier, this.ctx.clock, request.requestedBy, request.scanId)
        : undefined;
      // While a turn on this instance streams the scan, the card waits; it takes over when the stream stops.
      const progress =
        notices && watcher
          ? {
              onProgress: (p: ScanProgress) => (watcher.watching ? watcher.onProgress(p) : notices.onProgress(p)),
              flushed: async () => {
                await watcher.settled();
                await notices.flushed();
              },
            }
          : notices;
      outcome = await this.scans.run({ scanId: request.scanId, lease, dryRun: false, progress });
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
    this.startDelivery();
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

  private takeLease(): Promise<HeldScanLease> {
    return HeldScanLease.take(this.ctx.store.leases, {
      ttlMs: this.options.scanLeaseTtlMs,
      // The scanner lease keeps the bot's time, as the store does.
      now: () => this.ctx.clock.now().getTime(),
    });
  }
}
