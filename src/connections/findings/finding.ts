/**
 * A governance finding: one thing in the tenant that deserves attention, as plain data. The health report
 * renders them, and the notifications scanner dedupes them by `id` in its ledger, so ids must stay stable
 * across scans (kind + the ids of what the finding is about, never a display name or a date). The id is a key,
 * not a record: what a finding is about is in `about`, so nothing has to take an id apart.
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

/**
 * What a finding is about, as ids: where it is, the thing it names, the flows at stake and the people behind them.
 * The rule that finds it fills it in; the scanner turns it into the finding's scope (which part of the tenant must
 * be read completely to call it fixed) and, through the rule's `stakeholders`, into who is told.
 */
export interface FindingAbout {
  /** Environment id; absent for what lives in the directory (app registrations and their credentials). */
  environmentId?: string;
  /** Connection name (its id within the environment). */
  connectionName?: string;
  /** Connection reference logical name. */
  referenceLogicalName?: string;
  /** Application (client) id of the app registration. */
  appId?: string;
  /** The flows at stake: those using the connection or the reference (flow id, or workflow id for a flow only Dataverse knows). */
  flowIds: string[];
  /** Entra object ids of who owns the subject: the connection's creator, the reference's owner, the app's owners. */
  ownerIds: string[];
  /** Entra object ids of who made the flows at stake. */
  makerIds: string[];
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
  /**
   * What it is about (every rule sets it). The scan keeps it to itself: the findings it publishes (ledger, digests,
   * `npm run scan -- --json`) are what people read, and their scope and recipients are already derived from it.
   */
  about?: FindingAbout;
}

/** A finding as a rule returns it: always with what it is about. */
export type RuleFinding = Finding & { about: FindingAbout };

export const severityRank: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Most severe first, then soonest deadline, then by subject, so reports read the same every time. */
export function sortFindings<F extends Finding>(findings: readonly F[]): F[] {
  return [...findings].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) ||
      a.subject.localeCompare(b.subject) ||
      a.id.localeCompare(b.id),
  );
}
