/**
 * Rule: connection references still carrying the name the designer generated (prefix_sharedconnector_hex, e.g.
 * "cr6a1_sharedcommondataserviceforapps_5f2c1"). Nobody can tell what they are for when choosing their connections
 * at deployment. Only the display name can change: the logical name is fixed, and it is what flows and deployment
 * settings files bind by, so renaming helps people, not the binding.
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { RuleFinding } from './finding';
import { aboutReference } from './findingAbout';
import { ownersAndMakers, type GovernanceRule } from './governanceRule';
import { lookups } from './snapshotLookups';

const GENERATED_NAME = /^[a-z0-9]{2,8}_shared[a-z0-9]+_[0-9a-f]{3,}$/i;

export function isCrypticReferenceName(name: string): boolean {
  return GENERATED_NAME.test(name.trim());
}

export function crypticReferenceNames(snapshot: TenantSnapshot): RuleFinding[] {
  const look = lookups(snapshot);
  return snapshot.references
    .filter((r) => isCrypticReferenceName(r.displayName || r.logicalName))
    .map((reference): RuleFinding => ({
      id: `reference-cryptic-name:${reference.environmentId}:${reference.logicalName.toLowerCase()}`,
      kind: 'reference-cryptic-name',
      severity: 'low',
      subject: reference.displayName || reference.logicalName,
      environment: look.environmentName(reference.environmentId),
      owner: look.userName(reference.ownerId),
      why: 'Still has its generated default name, so nobody can tell what it is for when choosing its connection at import. Change its display name after its purpose (e.g. "<PREFIX> Dataverse Connection Ref"); the logical name cannot change and is what flows and deployment settings bind by, so nothing else has to move. For new references, name them when you create them.',
      articleId: ARTICLES.connectionReferences,
      about: aboutReference(look, reference),
    }));
}

export const crypticReferenceNameRule: GovernanceRule = {
  kind: 'reference-cryptic-name',
  label: 'Unclear reference name',
  scope: 'environment',
  run: crypticReferenceNames,
  stakeholders: ownersAndMakers,
};
