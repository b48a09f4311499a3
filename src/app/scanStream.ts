/**
 * "scan now" in a one-on-one chat: the turn that asked streams the scan's progress as informative updates and ends
 * with "Tenant scan complete … Your digest follows." The scan itself stays a job (it survives this instance), so
 * the turn only streams what this instance sees of it: while the job runs here, and for at most STREAM_CAP_MS (a
 * turn holds its HTTP request while it streams, and Teams allows one stream per chat). When the cap is reached, or
 * the job stops here or runs elsewhere, the stream ends saying the scan goes on, and the requester's progress card
 * (ScanProgressNotices, the same one group chats and channels get) takes over from the scan's next report.
 */
import type { Reply } from '../cards/reply';
import { getLogger } from '../logging/logger';
import { describeScanProgress, type ScanProgress } from '../notifications/scan/scanProgress';
import type { ScanWatcher } from '../notifications/scan/scanWatcher';
import type { InformativeStream } from './informativeStream';

const log = getLogger('app');

/**
 * How long a turn streams a scan before handing over to the card: well inside the two minutes Teams allows a stream
 * (Microsoft Learn, "Stream bot messages", error codes: "Content stream finished due to exceeded streaming time").
 */
export const STREAM_CAP_MS = 60_000;
/** With no report from the scan by then, another instance has its job (or it waits): the card shows it there. */
export const FIRST_REPORT_MS = 10_000;

export const STILL_SCANNING =
  'The scan is still running. A card in this chat shows how far it has got, and your digest follows when it ends.';
export const SCAN_GOES_ON = 'The scan goes on in the background; your digest follows when it ends.';

export class ScanStream implements ScanWatcher {
  private queued = false;
  private ended = false;
  /** The final line, once the scan is done or the stream stops watching. */
  private finalText?: string;
  private wakeTurn?: () => void;
  /** The newest progress line that arrived before the turn started streaming. */
  private latest?: string;
  private reported = false;
  private readonly turnDone: Promise<void>;
  private markTurnDone!: () => void;

  constructor(
    /** The turn's stream (one per chat in Teams: the same one any other informative update of the turn uses). */
    private readonly stream: InformativeStream,
    private readonly capMs = STREAM_CAP_MS,
    private readonly firstReportMs = FIRST_REPORT_MS,
  ) {
    this.turnDone = new Promise((resolve) => (this.markTurnDone = resolve));
  }

  get watching(): boolean {
    return this.queued && !this.ended;
  }

  onQueued(): void {
    this.queued = true;
  }

  readonly onProgress = (progress: ScanProgress): void => {
    if (!this.watching) return;
    this.reported = true;
    if (progress.phase === 'done') this.stop(`${describeScanProgress(progress)} Your digest follows.`);
    else if (this.wakeTurn) this.stream.inform(describeScanProgress(progress));
    else this.latest = describeScanProgress(progress);
  };

  onStopped(): void {
    this.stop(SCAN_GOES_ON);
  }

  /** Resolves when the turn has sent what it streams (or never will): the scan's digest is queued after it. */
  settled(): Promise<void> {
    return this.turnDone;
  }

  /**
   * The turn's part, once "scan now" has answered `reply`: when the scan was queued for this stream, streams it
   * (the answer first) until it ends or the cap, then ends the stream; returns false when there was nothing to
   * stream, or the stream failed before anything was shown, and the turn sends `reply` as usual.
   */
  async answer(reply: Reply): Promise<boolean> {
    try {
      if (!this.queued) return false;
      const stopped = new Promise<void>((resolve) => (this.wakeTurn = resolve));
      this.stream.inform(reply.text ?? 'Scanning the tenant now.');
      if (this.latest !== undefined) this.stream.inform(this.latest);
      if (!this.ended) {
        const cap = setTimeout(() => this.handOver(), this.capMs);
        const firstReport = setTimeout(() => this.reported || this.handOver(), this.firstReportMs);
        cap.unref?.();
        firstReport.unref?.();
        await stopped;
        clearTimeout(cap);
        clearTimeout(firstReport);
      }
      await this.stream.finish({ text: this.finalText ?? SCAN_GOES_ON, cards: [] });
      return true;
    } catch (error) {
      log.warn({ err: error }, 'could not stream the scan; the progress card shows it');
      return false;
    } finally {
      this.ended = true;
      this.markTurnDone();
    }
  }

  /** Stops streaming (the cap, or no report in time): the stream ends saying so, and the card shows the rest. */
  handOver(): void {
    this.stop(STILL_SCANNING);
  }

  private stop(finalText: string): void {
    if (this.ended) return;
    this.ended = true;
    this.finalText = finalText;
    this.wakeTurn?.();
  }
}
