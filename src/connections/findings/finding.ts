/**
 * A governance finding: one thing in the tenant that deserves attention, as plain data. The health report
 * renders them, and the notifications scanner dedupes them by `id` in its ledger, so ids must stay stable
 * across scans (kind + the ids of what the finding is about, never a display name or a date).
 */

export type Severity = 'high' | 'medium' | 'low';

export type FindingKind =
  | 'appuser-system-administrator'
  | 'connection-owner-disabled'
  | 'connection-personal-in-production'
  | 'connection-error'
  | 'connection-needs-configuration'
  | 'credential-expiring'
  | 'credential-expired'
  | 'credential-stale'
  | 'reference-unbound'
  | 'reference-broken'
  | 'reference-cross-solution'
  | 'reference-cryptic-name';

/** The next step as a button: an Action.Execute verb with ids only, or a link. */
export interface FindingAction {
  title: string;
  verb?: string;
  data?: Record<string, string>;
  url?: string;
}

export interface Finding {
  id: string;
  kind: FindingKind;
  severity: Severity;
  /** What the finding is about, in words a person recognises (an app, a connection, a reference). */
  subject: string;
  /** Environment display name. */
  environment?: string;
  daysLeft?: number;
  /** Display name of the person who owns the subject. */
  owner?: string;
  /** One line: why it matters. */
  why: string;
  /** Knowledge article to link (knowledge/<articleId>.md). */
  articleId?: string;
  action?: FindingAction;
}

export const severityRank: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Most severe first, then soonest deadline, then by subject, so reports read the same every time. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) ||
      a.subject.localeCompare(b.subject) ||
      a.id.localeCompare(b.id),
  );
}
