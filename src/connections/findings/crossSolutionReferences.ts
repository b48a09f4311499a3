/**
 * Rule: a connection reference shared between solutions — either a component of several solutions, or used by a
 * flow of one solution while it belongs to another. The reference is one record: changing its connection (the
 * documented way to change a flow's connection, "Use a connection reference in a solution") moves every flow bound
 * to it, whichever solution they belong to. One reference per solution is the forum's practice, not a Learn rule.
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { RuleFinding } from './finding';
import { aboutReference } from './findingAbout';
import { ownersAndMakers, type GovernanceRule } from './governanceRule';
import { lookups } from './snapshotLookups';

export function crossSolutionReferences(snapshot: TenantSnapshot): RuleFinding[] {
  const look = lookups(snapshot);
  const findings: RuleFinding[] = [];
  const flowsByEnvironment = new Map<string, { workflowId: string; logicalNames: string[] }[]>();
  const addFlow = (environmentId: string, workflowId: string | undefined, logicalNames: string[]) => {
    if (!workflowId) return;
    const list = flowsByEnvironment.get(environmentId) ?? [];
    list.push({ workflowId: workflowId.toLowerCase(), logicalNames: logicalNames.map((n) => n.toLowerCase()) });
    flowsByEnvironment.set(environmentId, list);
  };
  for (const flow of snapshot.flows) {
    const names = flow.connectionReferences.flatMap((r) =>
      r.connectionReferenceLogicalName ? [r.connectionReferenceLogicalName] : [],
    );
    addFlow(flow.environmentId, flow.workflowId, names);
  }
  for (const flow of snapshot.solutionFlows) {
    addFlow(flow.environmentId, flow.workflowId, flow.connectionReferenceLogicalNames);
  }

  for (const reference of snapshot.references) {
    const solutions = look.userSolutions(reference.environmentId);
    const id = reference.id.toLowerCase();
    const holders = solutions.filter((s) => s.componentObjectIds.some((o) => o.toLowerCase() === id));
    const users = new Set<string>();
    for (const flow of flowsByEnvironment.get(reference.environmentId) ?? []) {
      if (!flow.logicalNames.includes(reference.logicalName.toLowerCase())) continue;
      for (const s of solutions) {
        if (s.componentObjectIds.some((o) => o.toLowerCase() === flow.workflowId)) users.add(s.friendlyName);
      }
    }
    const home = holders.map((s) => s.friendlyName);
    const borrowers = [...users].filter((name) => !home.includes(name));
    const involved = [...new Set([...home, ...borrowers])];
    if (involved.length < 2) continue;
    findings.push({
      id: `reference-cross-solution:${reference.environmentId}:${reference.logicalName.toLowerCase()}`,
      kind: 'reference-cross-solution',
      severity: 'medium',
      subject: reference.displayName || reference.logicalName,
      environment: look.environmentName(reference.environmentId),
      owner: look.userName(reference.ownerId),
      why: `Shared by solutions ${involved.join(' and ')}: it is one reference, so binding it to another connection for one solution moves the other's flows too. Give each solution its own reference (a practice makers recommend, not a Microsoft rule).`,
      articleId: ARTICLES.connectionReferences,
      about: aboutReference(look, reference),
    });
  }
  return findings;
}

export const crossSolutionReferenceRule: GovernanceRule = {
  kind: 'reference-cross-solution',
  label: 'Cross-solution connection reference',
  scope: 'environment',
  run: crossSolutionReferences,
  stakeholders: ownersAndMakers,
};
