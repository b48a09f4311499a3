/**
 * Someone in this process who shows a "scan now" as it happens (the requester's one-on-one chat, streaming it in
 * the turn that asked). While it watches, the scan reports to it and the requester's progress card waits; once it
 * stops (the turn's time is up, or the scan ran into trouble) the card takes over from the next report. A scan
 * that runs on another instance never reaches it: there the card is all the requester sees.
 */
import type { ScanProgressListener } from './scanProgress';

export interface ScanWatcher {
  /** The request was accepted and queued; from now on the scan may report to this watcher. */
  onQueued(): void;
  /** True while the watcher shows the scan itself. */
  readonly watching: boolean;
  /** Progress of the scan, while it runs on this instance. */
  onProgress: ScanProgressListener;
  /** The scan stopped running here without reaching "done" (failed, waits for another scan, was covered). */
  onStopped(): void;
  /** Resolves once what the watcher showed has reached the person: the digest is queued after it. */
  settled(): Promise<void>;
}
