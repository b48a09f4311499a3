/**
 * The scan CLI's progress bar (cli-progress) on stderr: environments read of how many, and app registrations read.
 * Only on a terminal: piped or redirected, stderr gets nothing extra (logs stay machine-readable) and stdout is never
 * touched, so `--json` output is the same either way. cli-progress redraws at most a few times a second however
 * often the scanner reports.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { ScanProgress, ScanProgressListener } from '../notifications/scan/scanProgress';

export interface ScanProgressBar {
  onProgress?: ScanProgressListener;
  stop(): void;
}

export function scanProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }): ScanProgressBar {
  if (!stream.isTTY) return { stop: () => undefined };
  const bar = new SingleBar(
    {
      stream,
      format: 'Scanning |{bar}| {value}/{total} environments · {apps} app registrations read · {phase}',
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    Presets.shades_classic,
  );
  let started = false;
  const payload = (p: ScanProgress) => ({
    apps: p.appsRead.toLocaleString('en-US'),
    phase: p.phase === 'reading' ? 'reading' : p.phase === 'checking' ? 'checking secrets and owners' : 'done',
  });
  return {
    onProgress: (p) => {
      // Drawn once the number of environments is known: a bar of 0 of 0 would read as finished.
      if (p.environmentsTotal === undefined) return;
      if (!started) {
        bar.start(p.environmentsTotal, p.environmentsRead, payload(p));
        started = true;
      }
      bar.update(p.environmentsRead, payload(p));
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
