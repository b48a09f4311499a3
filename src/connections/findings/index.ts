/**
 * The governance findings: the registered rules (rules.ts) and one call that runs them all over a snapshot, as the
 * health report does (the notifications scanner runs the same registry per scope). Each rule function is also
 * exported for tests and selective use.
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import { appUsersWithSystemAdministrator } from './appUserSystemAdministrator';
import { brokenReferences } from './brokenReferences';
import { connectionsInError } from './connectionsInError';
import { connectionsOwnedByDisabledAccounts } from './connectionOwnerDisabled';
import { crossSolutionReferences } from './crossSolutionReferences';
import { crypticReferenceNames } from './crypticReferenceNames';
import { DEFAULT_STALE_AFTER_DAYS, expiredCredentials } from './expiredCredentials';
import { credentialsExpiringSoon, DEFAULT_EXPIRY_WINDOW_DAYS } from './expiringCredentials';
import { sortFindings, type RuleFinding } from './finding';
import type { RuleOptions } from './governanceRule';
import { personalConnectionsInProduction } from './personalConnectionsInProduction';
import { RULES } from './rules';
import { unboundReferences } from './unboundReferences';

export interface GovernanceOptions {
  /** Credentials expiring within this many days are reported (default 30). */
  withinDays?: number;
  /** Expired longer ago than this, a credential is clutter rather than an outage (default 30). */
  staleAfterDays?: number;
}

export function ruleOptions(options: GovernanceOptions = {}): RuleOptions {
  return {
    withinDays: options.withinDays ?? DEFAULT_EXPIRY_WINDOW_DAYS,
    staleAfterDays: options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS,
  };
}

/** Every registered rule over the whole snapshot, most severe first. */
export function governanceFindings(snapshot: TenantSnapshot, options: GovernanceOptions = {}): RuleFinding[] {
  const resolved = ruleOptions(options);
  return sortFindings(RULES.flatMap((rule) => rule.run(snapshot, resolved)));
}

export * from './finding';
export * from './governanceRule';
export { RULES, ruleOf, rulesIn } from './rules';
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
