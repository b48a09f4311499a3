/**
 * Rule: connection references that point to something this environment does not have — a connection (or custom
 * connector) id that only existed in the environment it was copied from. Typical after an environment copy:
 * custom connectors get new ids, so their references break silently; the documented fix is a new reference to the
 * new custom connector and then fixing the apps and flows that used the old one (not rebinding the old reference).
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { RuleFinding } from './finding';
import { aboutReference } from './findingAbout';
import { alertMakers, type GovernanceRule } from './governanceRule';
import { lookups } from './snapshotLookups';

export function brokenReferences(snapshot: TenantSnapshot): RuleFinding[] {
  const look = lookups(snapshot);
  const findings: RuleFinding[] = [];
  for (const reference of snapshot.references) {
    if (!reference.connectionName || !look.connectionsKnown(reference.environmentId)) continue;
    if (look.connectionExists(reference.environmentId, reference.connectionName)) continue;
    const custom = Boolean(reference.customConnectorId) || !/\/shared_[^/]+$/i.test(reference.connectorId);
    findings.push({
      id: `reference-broken:${reference.environmentId}:${reference.logicalName.toLowerCase()}`,
      kind: 'reference-broken',
      severity: 'high',
      subject: reference.displayName || reference.logicalName,
      environment: look.environmentName(reference.environmentId),
      owner: look.userName(reference.ownerId),
      why: custom
        ? 'Points to a custom connector connection that does not exist in this environment (left over from an environment copy: the copy has its own custom connector). Create a new connection reference to the custom connector as it exists here, with a connection to it, then edit the flows and apps that used this reference to use the new one.'
        : 'Points to a connection that does not exist in this environment: bind it to an existing connection.',
      articleId: ARTICLES.connectionReferences,
      about: aboutReference(look, reference),
    });
  }
  return findings;
}

export const brokenReferenceRule: GovernanceRule = {
  kind: 'reference-broken',
  label: 'Broken connection reference',
  scope: 'environment',
  run: brokenReferences,
  // The makers are alerted: their flows fail on it.
  stakeholders: alertMakers,
};
