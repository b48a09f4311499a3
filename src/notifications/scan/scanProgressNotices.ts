/**
 * "Scan now" in chat: the admin who asked sees the scan move ("Reading environments: 120 of 204") on one card,
 * updated in place through the outbox (one card key per scan, so a newer state replaces a pending older one and
 * Teams' rate limits apply as to every message), then the digest. Updates are throttled here: the first as soon as
 * the number of environments is known, then at most one per MIN_INTERVAL_MS, and the final state always; a scan
 * reports a few hundred times, a person's chat gets a handful of updates.
 */
import { renderCard } from '../../cards/renderCard';
import { textReply, type Reply } from '../../cards/reply';
import type { Clock } from '../../clock';
import type { Notifier } from '../../context';
import { getLogger } from '../../logging/logger';
import { describeScanProgress, type ScanProgress, type ScanProgressListener } from './scanProgress';

const log = getLogger('notifications');

/** At most three updates a minute per conversation (plus the final one), well inside Teams' 60 per 30 s. */
export const MIN_INTERVAL_MS = 20_000;

export const scanProgressCardKey = (scanId: string): string => `scan-progress:${scanId}`;

export class ScanProgressNotices {
  private lastSentAt?: number;
  private sending: Promise<void> = Promise.resolve();
  private finished = false;

  constructor(
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly toUserId: string,
    private readonly scanId: string,
    private readonly minIntervalMs = MIN_INTERVAL_MS,
  ) {}

  readonly onProgress: ScanProgressListener = (progress) => {
    if (this.finished || progress.environmentsTotal === undefined) return;
    const now = this.clock.now().getTime();
    const done = progress.phase === 'done';
    if (!done && this.lastSentAt !== undefined && now - this.lastSentAt < this.minIntervalMs) return;
    this.lastSentAt = now;
    if (done) this.finished = true;
    this.send(progress);
  };

  /** Resolves when every update queued so far is in the outbox (before the digest is queued behind them). */
  async flushed(): Promise<void> {
    await this.sending;
  }

  private send(progress: ScanProgress): void {
    const reply = scanProgressReply(progress);
    this.sending = this.sending
      .then(() => this.notifier.send([{ toUserId: this.toUserId, reply, cardKey: scanProgressCardKey(this.scanId) }]))
      // A progress note that cannot be queued is not worth failing the scan over; the digest still follows.
      .catch((error: unknown) =>
        log.warn({ err: error, scanId: this.scanId }, 'could not queue a scan progress update'),
      );
  }
}

export function scanProgressReply(progress: ScanProgress): Reply {
  const line = describeScanProgress(progress);
  const n = (v: number) => v.toLocaleString('en-US');
  const done = progress.phase === 'done';
  const card = renderCard('scanProgress', {
    title: done ? 'Tenant scan finished' : 'Scanning the tenant',
    line,
    environments:
      progress.environmentsTotal === undefined
        ? `${n(progress.environmentsRead)} read`
        : `${n(progress.environmentsRead)} of ${n(progress.environmentsTotal)} read`,
    apps: `${n(progress.appsRead)} read${progress.appsComplete ? ' (all)' : ', more to come'}`,
    note: done ? 'Your digest follows.' : 'This card updates as the scan goes on; your digest follows when it ends.',
  });
  return { ...textReply(line), cards: [card] };
}
