/**
 * Where a finding stands for one recipient, so the ledger can tell "already told them" from "worth telling again".
 * A credential moves through the recipient's thresholds (30 → 7 → 1 days), then expired, then stale; everything
 * else is simply open. A credential keeps one lineage across those kinds, so "expiring" turning into "expired" is
 * one finding getting worse, not one resolved and another new.
 */
import { severityRank, type Finding, type Severity } from '../../connections/findings';

export type Stage = `within:${number}` | 'expired' | 'stale' | 'open';

/** The ledger key of a finding: stable across scans and across the credential kinds. */
export function lineageOf(finding: Pick<Finding, 'id' | 'kind'>): string {
  if (finding.kind.startsWith('credential-')) return `credential:${finding.id.slice(finding.id.indexOf(':') + 1)}`;
  return finding.id;
}

/**
 * The stage of a finding for a recipient with these thresholds (days, any order), or undefined when the
 * recipient does not want to hear about it yet (an expiry further away than their largest threshold).
 */
export function stageOf(finding: Pick<Finding, 'kind' | 'daysLeft'>, thresholds: number[]): Stage | undefined {
  switch (finding.kind) {
    case 'credential-expired':
      return 'expired';
    case 'credential-stale':
      return 'stale';
    case 'credential-expiring': {
      const days = finding.daysLeft ?? 0;
      const crossed = thresholds.filter((t) => days <= t);
      return crossed.length ? `within:${Math.min(...crossed)}` : undefined;
    }
    default:
      return 'open';
  }
}

/** Higher is more urgent. Stale ranks below expired: an old expired secret is clutter, not news. */
export function urgency(stage: Stage): number {
  if (stage === 'expired') return 1_000_000;
  if (stage === 'stale') return 500_000;
  if (stage === 'open') return 0;
  return 100_000 - Number(stage.slice('within:'.length));
}

export type Change = 'new' | 'worse' | 'unchanged';

export function compareToLedger(
  previous: { stage: Stage; severity: Severity } | undefined,
  current: { stage: Stage; severity: Severity },
): Change {
  if (!previous) return 'new';
  if (urgency(current.stage) > urgency(previous.stage)) return 'worse';
  if (severityRank[current.severity] < severityRank[previous.severity]) return 'worse';
  return 'unchanged';
}
