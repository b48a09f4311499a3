/**
 * Rule: connections that do not work right now (Error) or were never finished (ConfigurationNeeded), with the
 * remedy that fits the cause: rotate the app's secret for service-principal connections, sign in again otherwise.
 */
import { explainConnection } from '../connectionExplanation';
import { connectionsPageUrl } from '../makerPortal';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { Finding, FindingAction } from './finding';
import { flowNames, lookups } from './snapshotLookups';

export function connectionsInError(snapshot: TenantSnapshot): Finding[] {
  const look = lookups(snapshot);
  const findings: Finding[] = [];
  for (const connection of snapshot.connections) {
    if (connection.status === 'Connected') continue;
    const app = look.appByAppId(connection.servicePrincipalAppId);
    const explained = explainConnection(connection, app, snapshot.now);
    const flows = look.flowsUsing(connection);
    const usedBy = flows.length ? ` Used by ${flowNames(flows)}.` : '';
    const rotate = explained.cause === 'secretExpired' || explained.cause === 'secretRejected';
    const action: FindingAction =
      rotate && app
        ? { title: 'Rotate', verb: 'rotation.request', data: { appObjectId: app.id } }
        : { title: 'Fix connection', url: connectionsPageUrl(connection.environmentId) };
    const needsConfiguration = connection.status === 'ConfigurationNeeded';
    findings.push({
      id: `${needsConfiguration ? 'connection-needs-configuration' : 'connection-error'}:${connection.environmentId}:${connection.name}`,
      kind: needsConfiguration ? 'connection-needs-configuration' : 'connection-error',
      severity: needsConfiguration ? 'low' : flows.some((f) => f.on) ? 'high' : 'medium',
      subject: connection.displayName,
      environment: look.environmentName(connection.environmentId),
      owner: look.userName(connection.createdBy.id, connection.createdBy.displayName),
      why: `${explained.problem} ${explained.remedy}${usedBy}`,
      articleId: rotate ? ARTICLES.servicePrincipalConnections : ARTICLES.connectionErrors,
      action,
    });
  }
  return findings;
}
