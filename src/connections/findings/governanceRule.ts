/**
 * What a governance rule is: one kind of finding, where it looks, how it finds, and whom its findings concern.
 * Every rule is registered once in rules.ts; the health report and the notifications scanner both run what is
 * registered there, so a rule shows in the report and notifies alike.
 */
import type { SnapshotApp, SnapshotApplicationUser, TenantSnapshot } from '../tenantSnapshot';
import type { FindingAbout, FindingKind, RuleFinding } from './finding';

/**
 * Where a rule looks, which decides how the scanner feeds it (the health report gives every rule the whole tenant):
 * - `environment`: one environment's connections, flows, references and solutions. The scanner runs it on each
 *   environment as soon as that environment is read, then drops the rows.
 * - `directory`: app registrations (with their owners and their service-principal connections) and application
 *   users. The scanner runs it once the directory and every environment are read, on batches of apps.
 */
export type RuleScope = 'environment' | 'directory';

export interface RuleOptions {
  /** Credentials expiring within this many days are reported. */
  withinDays: number;
  /** Expired longer ago than this, a credential is clutter rather than an outage. */
  staleAfterDays: number;
}

/** The people a finding concerns, by Entra object id. */
export interface Stakeholders {
  /** Told when they subscribed ("keep me posted"): it is theirs or their flows depend on it. */
  concerned: string[];
  /** Told even without subscribing (unless they opted out): something of theirs broke or is about to. */
  alerted: string[];
}

export interface GovernanceRule {
  kind: FindingKind;
  /** The kind in a few words, as the health report lists it ("Connection in Error"). */
  label: string;
  scope: RuleScope;
  run(snapshot: TenantSnapshot, options: RuleOptions): RuleFinding[];
  stakeholders(about: FindingAbout): Stakeholders;
  /**
   * Directory rules: the app registrations the rule can report on. The scanner hands the directory rules only the
   * apps one of them can report (every app while a directory rule leaves this out), so a tenant's thousands of
   * apps with nothing near its end date cost nothing. A rule about application users reports none itself: their
   * apps come with them.
   */
  appsReported?(app: SnapshotApp, now: Date, options: RuleOptions): boolean;
  /**
   * Directory rules that name app owners: which apps' owners to read. Owners cost a Graph request per 20 apps, so
   * the scanner reads them only for apps some rule may report (as each registration arrives, and for the apps of
   * the application users once every environment is read).
   */
  ownersNeeded?: {
    app?(app: SnapshotApp, now: Date, options: RuleOptions): boolean;
    appUser?(appUser: SnapshotApplicationUser): boolean;
  };
}

/** Who owns the subject and who made the flows at stake; nobody is alerted unasked. */
export function ownersAndMakers(about: FindingAbout): Stakeholders {
  return { concerned: [...about.ownerIds, ...about.makerIds], alerted: [] };
}

/** As ownersAndMakers, and the makers are alerted: their flows stop or cannot be turned on. */
export function alertMakers(about: FindingAbout): Stakeholders {
  return { concerned: [...about.ownerIds, ...about.makerIds], alerted: [...about.makerIds] };
}

/** As ownersAndMakers, and all of them are alerted: it is broken now. */
export function alertOwnersAndMakers(about: FindingAbout): Stakeholders {
  const everyone = [...about.ownerIds, ...about.makerIds];
  return { concerned: everyone, alerted: [...everyone] };
}

/** True when one of the app's credentials ends between `fromDays` and `toDays` from `now` (inclusive). */
export function hasCredentialEndingWithin(
  app: Pick<SnapshotApp, 'passwordCredentials' | 'keyCredentials'>,
  now: Date,
  fromDays: number,
  toDays: number,
): boolean {
  const at = now.getTime();
  // Loops rather than .some with a closure: asked for every app registration of the tenant on a scan, by several
  // rules, and a closure made per call is garbage each time.
  return (
    endsWithin(app.passwordCredentials, at, fromDays, toDays) || endsWithin(app.keyCredentials, at, fromDays, toDays)
  );
}

function endsWithin(
  credentials: readonly { endDateTime?: string }[],
  at: number,
  fromDays: number,
  toDays: number,
): boolean {
  for (const c of credentials) {
    if (c.endDateTime === undefined) continue;
    // Date.parse, not a Date: asked for every credential of every app registration of the tenant on a scan.
    const days = (Date.parse(c.endDateTime) - at) / 86_400_000;
    if (days >= fromDays && days <= toDays) return true;
  }
  return false;
}
