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

export function governanceFindings(snapshot: TenantSnapshot, options: GovernanceOptions = {}): Finding[] {
  return sortFindings([
    ...appUsersWithSystemAdministrator(snapshot),
    ...connectionsOwnedByDisabledAccounts(snapshot),
    ...personalConnectionsInProduction(snapshot),
    ...connectionsInError(snapshot),
    ...credentialsExpiringSoon(snapshot, options),
    ...expiredCredentials(snapshot, options),
    ...unboundReferences(snapshot),
    ...brokenReferences(snapshot),
    ...crossSolutionReferences(snapshot),
    ...crypticReferenceNames(snapshot),
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
