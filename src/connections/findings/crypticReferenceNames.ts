/**
 * Rule: connection references still carrying the name the designer generated (prefix_sharedconnector_hex, e.g.
 * "cr6a1_sharedcommondataserviceforapps_5f2c1"). Nobody can tell what they are for when binding them at deployment.
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { Finding } from './finding';
import { lookups } from './snapshotLookups';

const GENERATED_NAME = /^[a-z0-9]{2,8}_shared[a-z0-9]+_[0-9a-f]{3,}$/i;

export function isCrypticReferenceName(name: string): boolean {
  return GENERATED_NAME.test(name.trim());
}

export function crypticReferenceNames(snapshot: TenantSnapshot): Finding[] {
  const look = lookups(snapshot);
  return snapshot.references
    .filter((r) => isCrypticReferenceName(r.displayName || r.logicalName))
    .map((reference): Finding => ({
      id: `reference-cryptic-name:${reference.environmentId}:${reference.logicalName.toLowerCase()}`,
      kind: 'reference-cryptic-name',
      severity: 'low',
      subject: reference.displayName || reference.logicalName,
      environment: look.environmentName(reference.environmentId),
      owner: look.userName(reference.ownerId),
      why: 'Still has its generated default name: rename it after its purpose (e.g. "<PREFIX> Dataverse Connection Ref") so deployments bind it correctly.',
      articleId: ARTICLES.connectionReferences,
    }));
}
