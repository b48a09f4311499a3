/**
 * The governance rules, each registered once. The health report runs every rule here over the whole tenant; the
 * notifications scanner runs the same rules, each where its scope says, and tells the people its `stakeholders`
 * name. To add a rule: one file exporting a GovernanceRule (see governanceRule.ts), its kind in FindingKind, and one
 * line below; test/connections/findings/ruleRegistry.test.ts shows it reaches the report and the scan.
 */
import { appUserSystemAdministratorRule } from './appUserSystemAdministrator';
import { brokenReferenceRule } from './brokenReferences';
import { connectionNeedsConfigurationRule } from './connectionNeedsConfiguration';
import { connectionOwnerDisabledRule } from './connectionOwnerDisabled';
import { connectionInErrorRule } from './connectionsInError';
import { crossSolutionReferenceRule } from './crossSolutionReferences';
import { crypticReferenceNameRule } from './crypticReferenceNames';
import { credentialExpiredRule } from './expiredCredentials';
import { credentialExpiringRule } from './expiringCredentials';
import type { FindingKind } from './finding';
import type { GovernanceRule, RuleScope } from './governanceRule';
import { personalConnectionInProductionRule } from './personalConnectionsInProduction';
import { credentialStaleRule } from './staleCredentials';
import { unboundReferenceRule } from './unboundReferences';

/** Mutable only so a test can register a rule of its own for the length of the test (see ruleRegistry.test.ts). */
export const RULES: GovernanceRule[] = [
  appUserSystemAdministratorRule,
  connectionOwnerDisabledRule,
  personalConnectionInProductionRule,
  connectionInErrorRule,
  connectionNeedsConfigurationRule,
  unboundReferenceRule,
  brokenReferenceRule,
  crossSolutionReferenceRule,
  crypticReferenceNameRule,
  credentialExpiringRule,
  credentialExpiredRule,
  credentialStaleRule,
];

/** The registered rules that look where `scope` says. */
export function rulesIn(scope: RuleScope): GovernanceRule[] {
  return RULES.filter((rule) => rule.scope === scope);
}

/** The registered rule that reports this kind of finding. */
export function ruleOf(kind: FindingKind): GovernanceRule | undefined {
  return RULES.find((rule) => rule.kind === kind);
}
