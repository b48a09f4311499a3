/**
 * Rule: connections that do not work right now (Error) or were never finished (ConfigurationNeeded), with the
 * remedy that fits the cause (connectionExplanation: a new secret only when that is the fix; sign in again for a
 * person's token). A Dataverse connection used in its own environment is not an outage of runs: Dataverse actions
 * there keep running while the identity is enabled and has permissions; saving and publishing the flows (and actions
 * on other environments) are what stop ("Manage connections for the Microsoft Dataverse connector"). That page does
 * not say whether turning a flow on is refused, so the finding says it is not confirmed.
 */
import { explainConnection } from '../connectionExplanation';
import { connectionsPageUrl } from '../makerPortal';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { Connection } from '../../tenant/model';
import type { FindingAction, RuleFinding } from './finding';
import { aboutConnection } from './findingAbout';
import { alertOwnersAndMakers, type GovernanceRule } from './governanceRule';
import { flowNames, lookups } from './snapshotLookups';

const DATAVERSE = 'shared_commondataserviceforapps';

/** Both kinds: connections in Error and connections never finished (ConfigurationNeeded). */
export function connectionsInError(snapshot: TenantSnapshot): RuleFinding[] {
  return notConnected(snapshot, (status) => status !== 'Connected');
}

/** The findings about connections whose status `include` accepts (one rule per kind shares this). */
export function notConnected(
  snapshot: TenantSnapshot,
  include: (status: Connection['status']) => boolean,
): RuleFinding[] {
  const look = lookups(snapshot);
  const findings: RuleFinding[] = [];
  for (const connection of snapshot.connections) {
    if (connection.status === 'Connected' || !include(connection.status)) continue;
    const app = look.appByAppId(connection.servicePrincipalAppId);
    const explained = explainConnection(connection, app, snapshot.now);
    const flows = look.flowsUsing(connection);
    const dataverse = connection.connector.toLowerCase() === DATAVERSE;
    const usedBy = flows.length ? ` Used by ${flowNames(flows)}.` : '';
    const impact = dataverse
      ? ' Flows using it keep running their Dataverse actions in this environment while its identity is enabled and has permissions, but they cannot be saved or published, and actions on other environments fail (not confirmed: whether turning them on is refused too).'
      : '';
    const rotate = explained.offerRotation;
    const servicePrincipal = connection.authType === 'servicePrincipal';
    const action: FindingAction =
      rotate && app
        ? { title: 'Rotate', verb: 'rotation.request', data: { appObjectId: app.id } }
        : { title: 'Fix connection', url: connectionsPageUrl(connection.environmentId) };
    const needsConfiguration = connection.status === 'ConfigurationNeeded';
    findings.push({
      id: `${needsConfiguration ? 'connection-needs-configuration' : 'connection-error'}:${connection.environmentId}:${connection.name}`,
      kind: needsConfiguration ? 'connection-needs-configuration' : 'connection-error',
      severity: needsConfiguration ? 'low' : flows.some((f) => f.on) && !dataverse ? 'high' : 'medium',
      subject: connection.displayName,
      environment: look.environmentName(connection.environmentId),
      owner: look.userName(connection.createdBy.id, connection.createdBy.displayName),
      why: `${explained.problem} ${explained.remedy}${usedBy}${impact}`,
      articleId: rotate || servicePrincipal ? ARTICLES.servicePrincipalConnections : ARTICLES.connectionErrors,
      action,
      about: aboutConnection(look, connection, flows),
    });
  }
  return findings;
}

export const connectionInErrorRule: GovernanceRule = {
  kind: 'connection-error',
  label: 'Connection in Error',
  scope: 'environment',
  run: (snapshot) => notConnected(snapshot, (status) => status !== 'ConfigurationNeeded'),
  // Broken now: its owner and the makers of the flows on it are told even without subscribing.
  stakeholders: alertOwnersAndMakers,
};
