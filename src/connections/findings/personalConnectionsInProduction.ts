/**
 * Rule: production flows running on a person's own connection. When that person's password changes, a sign-in prompt
 * (MFA) blocks the connection or they leave, production can stop ("A service account for Power Automate with a
 * Service Principal"); production should run on service principals or technical accounts. Disabled owners
 * are reported by their own, stronger rule.
 */
import { connectionsPageUrl } from '../makerPortal';
import { isPersonalConnection, isProductionEnvironment } from '../tenantFacts';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { RuleFinding } from './finding';
import { aboutConnection } from './findingAbout';
import { ownersAndMakers, type GovernanceRule } from './governanceRule';
import { repointActions } from './repointAction';
import { flowNames, lookups } from './snapshotLookups';

export function personalConnectionsInProduction(snapshot: TenantSnapshot): RuleFinding[] {
  const look = lookups(snapshot);
  const findings: RuleFinding[] = [];
  const repoint = repointActions(snapshot);
  for (const connection of snapshot.connections) {
    if (!isProductionEnvironment(look.environmentDisplay(connection.environmentId))) continue;
    const owner = look.user(connection.createdBy.id);
    if (owner && !owner.accountEnabled) continue;
    if (!isPersonalConnection(connection, owner)) continue;
    const flows = look.flowsUsing(connection);
    if (!flows.length) continue;
    const ownerName = owner?.displayName ?? connection.createdBy.displayName;
    findings.push({
      id: `connection-personal-in-production:${connection.environmentId}:${connection.name}`,
      kind: 'connection-personal-in-production',
      severity: 'medium',
      subject: connection.displayName,
      environment: look.environmentName(connection.environmentId),
      owner: ownerName,
      why: `Production flow ${flowNames(flows)} runs on ${ownerName}'s personal account: it can stop when their password changes, a sign-in prompt (MFA) blocks the connection or they leave; use a service principal or technical account.`,
      articleId: ARTICLES.connectionOwnership,
      // Moving the solution's references off it is the fix when there are some; else the maker portal's list.
      action: repoint.forConnection(connection.environmentId, connection.name) ?? {
        title: 'Open connections',
        url: connectionsPageUrl(connection.environmentId),
      },
      about: aboutConnection(look, connection, flows),
    });
  }
  return findings;
}

export const personalConnectionInProductionRule: GovernanceRule = {
  kind: 'connection-personal-in-production',
  label: 'Personal account in production',
  scope: 'environment',
  run: personalConnectionsInProduction,
  // A risk, not an outage: told to those who asked.
  stakeholders: ownersAndMakers,
};
