/**
 * Rule: connections owned by a disabled account (someone who left). They keep working until their token expires,
 * then fail, and only their owner could fix them, so flows on them need a new owner's connection first.
 */
import { connectionsPageUrl } from '../makerPortal';
import { isProductionEnvironment } from '../tenantFacts';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { Finding } from './finding';
import { flowNames, lookups } from './snapshotLookups';

export function connectionsOwnedByDisabledAccounts(snapshot: TenantSnapshot): Finding[] {
  const look = lookups(snapshot);
  const findings: Finding[] = [];
  for (const connection of snapshot.connections) {
    const owner = look.user(connection.createdBy.id);
    if (!owner || owner.accountEnabled) continue;
    const flows = look.flowsUsing(connection);
    const production = isProductionEnvironment(look.environmentDisplay(connection.environmentId));
    const usedBy = flows.length ? ` It is used by ${flowNames(flows)}.` : '';
    findings.push({
      id: `connection-owner-disabled:${connection.environmentId}:${connection.name}`,
      kind: 'connection-owner-disabled',
      severity: flows.length > 0 && (production || flows.some((f) => f.on)) ? 'high' : 'medium',
      subject: connection.displayName,
      environment: look.environmentName(connection.environmentId),
      owner: owner.displayName,
      why: `Owned by ${owner.displayName}, whose account is disabled: it will fail when its sign-in expires and nobody can fix it.${usedBy}`,
      articleId: ARTICLES.connectionOwnership,
      action: { title: 'Open connections', url: connectionsPageUrl(connection.environmentId) },
    });
  }
  return findings;
}
