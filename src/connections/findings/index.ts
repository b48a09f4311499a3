/**
 * Every governance rule, and one call that runs them all over a snapshot. The health report and the notifications
 * scanner both call governanceFindings; each rule is also exported for tests and selective use.
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import { appUsersWithSystemAdministrator } from './appUserSystemAdministrator';
import { brokenReferences } from './brokenReferences';
import { connectionsInError } from './connectionsInError';
import { connectionsOwnedByDisabledAccounts } from './connectionOwnerDisabled';
import { crossSolutionReferences } from './crossSolutionReferences';
import { crypticReferenceNames } from './crypticReferenceNames';
import { expiredCredentials } from './expiredCredentials';
import { credentialsExpiringSoon } from './expiringCredentials';
import { sortFindings, type Finding } from './finding';
import { personalConnectionsInProduction } from './personalConnectionsInProduction';
import { unboundReferences } from './unboundReferences';

export interface GovernanceOptions {
  /** Credentials expiring within this many days are reported (default 30). */
  withinDays?: number;
  /** Expired longer ago than this, a credential is clutter rather than an outage (default 30). */
  staleAfterDays?: number;
}

/**
 * The rules that look at one environment's connections, references and flows. The notifications scanner runs these
 * per environment and the directory rules (application users, credentials) on its own, so both use this one list:
 * a rule added here is in the health report and in the scan alike.
 */
export const ENVIRONMENT_RULES: readonly ((snapshot: TenantSnapshot) => Finding[])[] = [
  connectionsOwnedByDisabledAccounts,
  personalConnectionsInProduction,
  connectionsInError,
  unboundReferences,
  brokenReferences,
  crossSolutionReferences,
  crypticReferenceNames,
];

export function governanceFindings(snapshot: TenantSnapshot, options: GovernanceOptions = {}): Finding[] {
  return sortFindings([
    ...appUsersWithSystemAdministrator(snapshot),
    ...ENVIRONMENT_RULES.flatMap((rule) => rule(snapshot)),
    ...credentialsExpiringSoon(snapshot, options),
    ...expiredCredentials(snapshot, options),
  ]);
}

export * from './finding';
export {
  appUsersWithSystemAdministrator,
  brokenReferences,
  connectionsInError,
  connectionsOwnedByDisabledAccounts,
  credentialsExpiringSoon,
  crossSolutionReferences,
  crypticReferenceNames,
  expiredCredentials,
  personalConnectionsInProduction,
  unboundReferences,
};
