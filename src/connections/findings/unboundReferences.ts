/**
 * Rule: connection references bound to no connection. Every flow using one stays off (it cannot be turned on)
 * until someone binds the reference to a connection in that environment.
 */
import { flowPageUrl } from '../makerPortal';
import { referenceUsage } from '../connectionUsage';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { RuleFinding } from './finding';
import { aboutReference } from './findingAbout';
import { alertMakers, type GovernanceRule } from './governanceRule';
import { repointActions } from './repointAction';
import { flowNames, lookups } from './snapshotLookups';

export function unboundReferences(snapshot: TenantSnapshot): RuleFinding[] {
  const look = lookups(snapshot);
  const usage = referenceUsage(snapshot);
  const repoint = repointActions(snapshot);
  return snapshot.references
    .filter((r) => !r.connectionName)
    .map((reference) => {
      const flows = usage.get(`${reference.environmentId}/${reference.logicalName.toLowerCase()}`) ?? [];
      const flow = flows.find((f) => f.flowId);
      return {
        id: `reference-unbound:${reference.environmentId}:${reference.logicalName.toLowerCase()}`,
        kind: 'reference-unbound',
        severity: flows.length ? 'high' : 'medium',
        subject: reference.displayName || reference.logicalName,
        environment: look.environmentName(reference.environmentId),
        owner: look.userName(reference.ownerId),
        why: flows.length
          ? `Bound to no connection, so ${flowNames(flows)} cannot be turned on: bind it to a connection in this environment.`
          : 'Bound to no connection: any flow that uses it cannot be turned on.',
        articleId: ARTICLES.connectionReferences,
        // Binding it is the fix: a re-point request when the reference is in a solution, else the flow to fix it in.
        action:
          repoint.forReference(reference.environmentId, reference.id) ??
          (flow?.flowId ? { title: 'Open flow', url: flowPageUrl(reference.environmentId, flow.flowId) } : undefined),
        about: aboutReference(look, reference, flows),
      } satisfies RuleFinding;
    });
}

export const unboundReferenceRule: GovernanceRule = {
  kind: 'reference-unbound',
  label: 'Unbound connection reference',
  scope: 'environment',
  run: unboundReferences,
  // The makers are alerted: their flows cannot be turned on.
  stakeholders: alertMakers,
};
