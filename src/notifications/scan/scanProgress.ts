/**
 * How far a tenant scan has got, as the scanner reports it while it reads: environments read of how many, and app
 * registrations read so far (their number is only known once the last page has arrived). The scanner reports a few
 * hundred times per scan at most (once per environment, every APPS_STEP app registrations, at each phase change);
 * whoever shows it (a terminal bar, a card in chat) throttles further.
 */
export type ScanPhase = 'reading' | 'checking' | 'done';

export interface ScanProgress {
  phase: ScanPhase;
  /** Undefined until the list of environments has been read. */
  environmentsTotal?: number;
  environmentsRead: number;
  appsRead: number;
  /** True once every app registration has been read (appsRead is then the total). */
  appsComplete: boolean;
}

export type ScanProgressListener = (progress: ScanProgress) => void;

/** App registrations between two reports while they are paged (20,000 at scale: 40 reports). */
export const APPS_STEP = 500;

/** One line in words, e.g. "Reading environments: 120 of 204 · 3,500 app registrations read". */
export function describeScanProgress(p: ScanProgress): string {
  const n = (v: number) => v.toLocaleString('en-US');
  if (p.phase === 'done')
    return `Tenant scan complete: ${n(p.environmentsRead)} environments and ${n(p.appsRead)} app registrations read.`;
  if (p.phase === 'checking')
    return `Checking ${n(p.appsRead)} app registrations (secrets, certificates, owners) after ${n(p.environmentsRead)} environments.`;
  const environments =
    p.environmentsTotal === undefined
      ? 'Reading the list of environments'
      : `Reading environments: ${n(p.environmentsRead)} of ${n(p.environmentsTotal)}`;
  return `${environments} · ${n(p.appsRead)} app registrations read${p.appsComplete ? ' (all)' : ''}`;
}
