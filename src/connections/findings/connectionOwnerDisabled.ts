/**
 * Rule: connections that sign in as a disabled account (someone who left). They keep working until their token
 * expires, then fail, and only their owner could fix them, so flows on them need another connection first. A
 * service-principal connection created by that person signs in as the app, not as them: not a finding. (Learn's
 * troubleshooting guide says any connection whose creator is disabled becomes invalid, not telling kinds apart; the
 * impact card says that is unconfirmed for these. Flagging them would need a real tenant's behaviour first.) In
 * production the replacement should not be another person's connection but a service principal or a
 * technical user behind the connection reference. Once nothing uses the connection (no flow, no connection reference
 * bound to it: e.g. after a handover) it is clutter rather than a risk, and no longer a finding.
 */
import { HANDOVER_REQUEST_VERB } from '../../operations/handover/requestVerb';
import { signsInAsCreator, storedCredentialsLeaverNote } from '../leaverConnection';
import { isProductionEnvironment } from '../tenantFacts';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { RuleFinding } from './finding';
import { aboutConnection } from './findingAbout';
import { alertMakers, type GovernanceRule } from './governanceRule';
import { flowNames, lookups } from './snapshotLookups';

export function connectionsOwnedByDisabledAccounts(snapshot: TenantSnapshot): RuleFinding[] {
  const look = lookups(snapshot);
  const findings: RuleFinding[] = [];
  for (const connection of snapshot.connections) {
    if (connection.authType === 'servicePrincipal') continue;
    const owner = look.user(connection.createdBy.id);
    if (!owner || owner.accountEnabled) continue;
    const flows = look.flowsUsing(connection);
    const referenced = look.connectionReferenced(connection.environmentId, connection.name);
    const usageKnown = !snapshot.usageUnknownEnvironmentIds?.includes(connection.environmentId);
    if (usageKnown && !flows.length && !referenced) continue;
    const production = isProductionEnvironment(look.environmentDisplay(connection.environmentId));
    const usedBy = flows.length ? ` It is used by ${flowNames(flows)}.` : '';
    findings.push({
      id: `connection-owner-disabled:${connection.environmentId}:${connection.name}`,
      kind: 'connection-owner-disabled',
      severity: flows.length > 0 && (production || flows.some((f) => f.on)) ? 'high' : 'medium',
      subject: connection.displayName,
      environment: look.environmentName(connection.environmentId),
      owner: owner.displayName,
      why: `Owned by ${owner.displayName}, whose account is disabled: ${
        signsInAsCreator(connection)
          ? 'it will fail when its sign-in expires and nobody can fix it.'
          : storedCredentialsLeaverNote(owner.displayName)
      }${usedBy} ${
        production
          ? 'Move what uses it to a connection that does not depend on a person — a service principal (where the connector supports it) or a technical user — by binding the connection reference to it.'
          : 'Move what uses it to another connection (a service principal or technical user for anything shared), then delete this one.'
      }`,
      articleId: ARTICLES.connectionOwnership,
      // An admin hands the leaver's flows over (to their manager unless they say otherwise); see operations/handover.
      action: { title: 'Hand over', verb: HANDOVER_REQUEST_VERB, data: { userId: owner.id } },
      about: aboutConnection(look, connection, flows),
    });
  }
  return findings;
}

export const connectionOwnerDisabledRule: GovernanceRule = {
  kind: 'connection-owner-disabled',
  label: 'Connection owned by a disabled account',
  scope: 'environment',
  run: connectionsOwnedByDisabledAccounts,
  // The makers are alerted (their flows will stop); the owner has left.
  stakeholders: alertMakers,
};
