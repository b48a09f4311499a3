/**
 * "Connection references in <solution>": for each environment holding the solution, every reference it contains
 * or borrows → its connection → status → account, flagged by the same governance rules the health report uses
 * (unbound, broken, reused from another solution, generated name, personal account in production).
 * Makers see a solution they work on (they own one of its references or flows); admins any solution.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import type { Environment, Solution } from '../tenant/model';
import { explainConnection } from './connectionExplanation';
import { brokenReferences } from './findings/brokenReferences';
import { crossSolutionReferences } from './findings/crossSolutionReferences';
import { crypticReferenceNames } from './findings/crypticReferenceNames';
import type { Finding } from './findings/finding';
import { personalConnectionsInProduction } from './findings/personalConnectionsInProduction';
import { unboundReferences } from './findings/unboundReferences';
import { resolveByName } from '../understanding/nameResolution';
import { withGaps } from './partialResult';
import { connectorLabel, isPersonalConnection, isProductionEnvironment } from './tenantFacts';
import type { TenantReader } from './tenantReader';
import { emptySnapshot, type SnapshotSolution, type TenantSnapshot } from './tenantSnapshot';

interface Candidate {
  environment: Environment;
  solution: Solution;
}

interface ReferenceRow {
  name: string;
  logicalName: string;
  connector: string;
  connection: string;
  status: string;
  statusColor: string;
  account: string;
  flags: string;
}

interface EnvironmentSection {
  environment: string;
  rows: ReferenceRow[];
  /** Offer [Re-point references]: a reference is on a person's connection in production, on none or on a missing one. */
  repoint: boolean;
  solutionId: string;
  environmentId: string;
}

async function environmentSection(
  reader: TenantReader,
  caller: Caller,
  isAdmin: boolean,
  candidate: Candidate,
  now: Date,
): Promise<EnvironmentSection | undefined> {
  const { environment, solution } = candidate;
  const [connections, flows, references, solutionFlows, solutions] = await Promise.all([
    reader.connections(environment),
    reader.flows(environment),
    reader.references(environment),
    reader.solutionFlows(environment),
    reader.solutions(environment),
  ]);
  const withComponents = await Promise.all(
    (solutions ?? [solution]).map(async (s): Promise<SnapshotSolution> => {
      const components = await reader.solutionComponents(environment, s);
      return { ...s, environmentId: environment.id, componentObjectIds: (components ?? []).map((c) => c.objectId) };
    }),
  );
  const mine = withComponents.find((s) => s.id === solution.id);
  if (!mine) return undefined;
  const members = new Set(mine.componentObjectIds.map((id) => id.toLowerCase()));
  const solutionFlowsHere = (solutionFlows ?? []).filter((f) => members.has(f.workflowId.toLowerCase()));
  const apiFlowsHere = (flows ?? []).filter((f) => f.workflowId && members.has(f.workflowId.toLowerCase()));
  const usedNames = new Set([
    ...solutionFlowsHere.flatMap((f) => f.connectionReferenceLogicalNames.map((n) => n.toLowerCase())),
    ...apiFlowsHere.flatMap((f) =>
      f.connectionReferences.flatMap((r) =>
        r.connectionReferenceLogicalName ? [r.connectionReferenceLogicalName.toLowerCase()] : [],
      ),
    ),
  ]);
  const envReferences = (references ?? []).map((r) => ({ ...r, environmentId: environment.id }));
  const shown = envReferences.filter(
    (r) => members.has(r.id.toLowerCase()) || usedNames.has(r.logicalName.toLowerCase()),
  );
  const me = caller.userId.toLowerCase();
  const works =
    isAdmin ||
    shown.some((r) => r.ownerId?.toLowerCase() === me) ||
    solutionFlowsHere.some((f) => f.ownerId?.toLowerCase() === me) ||
    apiFlowsHere.some((f) => f.creatorId.toLowerCase() === me);
  if (!works) return undefined;

  const byName = new Map((connections ?? []).map((c) => [c.name.toLowerCase(), c]));
  const bound = shown.flatMap((r) => (r.connectionName ? [byName.get(r.connectionName.toLowerCase())] : []));
  const ownerIds = [...new Set(bound.flatMap((c) => (c ? [c.createdBy.id] : [])))];
  const users = (await Promise.all(ownerIds.map((id) => reader.user(id)))).filter((u) => u !== undefined);
  const snapshot: TenantSnapshot = {
    ...emptySnapshot(now),
    environments: [environment],
    connections: connections ?? [],
    flows: flows ?? [],
    solutionFlows: (solutionFlows ?? []).map((f) => ({ ...f, environmentId: environment.id })),
    references: envReferences,
    solutions: withComponents,
    users,
    partialEnvironmentIds: connections ? [] : [environment.id],
  };
  const findings: Finding[] = [
    ...unboundReferences(snapshot),
    ...brokenReferences(snapshot),
    ...crossSolutionReferences(snapshot),
    ...crypticReferenceNames(snapshot),
    ...personalConnectionsInProduction(snapshot),
  ];
  const flagText: Record<string, string> = {
    'reference-unbound': 'bound to no connection',
    'reference-broken': 'points to a connection missing here',
    'reference-cross-solution': 'shared with another solution',
    'reference-cryptic-name': 'generated default name',
    'connection-personal-in-production': 'personal account in production',
  };
  const rows = shown
    .map((reference): ReferenceRow => {
      const connection = reference.connectionName ? byName.get(reference.connectionName.toLowerCase()) : undefined;
      const flags = findings
        .filter((f) =>
          f.kind === 'connection-personal-in-production'
            ? connection !== undefined && f.id.endsWith(`:${connection.name}`)
            : f.id.endsWith(`:${reference.logicalName.toLowerCase()}`),
        )
        .map((f) => flagText[f.kind]);
      if (!members.has(reference.id.toLowerCase())) flags.push('not part of this solution');
      const explained = connection ? explainConnection(connection, undefined, now) : undefined;
      return {
        name: reference.displayName || reference.logicalName,
        logicalName: reference.logicalName,
        connector: connectorLabel(reference.connectorId),
        connection: connection?.displayName ?? (reference.connectionName ? '(missing)' : '(none)'),
        status: explained?.statusLabel ?? (reference.connectionName ? 'Missing' : 'Unbound'),
        statusColor: explained?.cause === 'ok' ? 'Good' : 'Attention',
        account: connection
          ? connection.authType === 'servicePrincipal'
            ? `service principal ${connection.servicePrincipalAppId ?? ''}`.trim()
            : (connection.accountName ?? connection.createdBy.displayName)
          : '—',
        flags: [...new Set(flags)].join(' · '),
      };
    })
    .sort((a, b) => Number(b.flags !== '') - Number(a.flags !== '') || a.name.localeCompare(b.name));
  // References on a person's connection, on none or on a missing one can be re-pointed (src/operations/repoint/).
  const repoint = shown.some((reference) => {
    const connection = reference.connectionName ? byName.get(reference.connectionName.toLowerCase()) : undefined;
    if (!connection) return true;
    return isProductionEnvironment(environment) && isPersonalConnection(connection);
  });
  return {
    environment: environment.displayName,
    rows,
    repoint,
    solutionId: solution.id,
    environmentId: environment.id,
  };
}

export async function solutionReferencesReply(
  reader: TenantReader,
  caller: Caller,
  isAdmin: boolean,
  solutionName: string,
  now: Date,
): Promise<Reply> {
  const retry = { view: 'solutionReferences', solutionName };
  const environments = (await reader.environments()) ?? [];
  const lists = await Promise.all(
    environments.map(async (environment) =>
      ((await reader.solutions(environment)) ?? []).map((solution) => ({ environment, solution })),
    ),
  );
  const candidates: Candidate[] = lists.flat();
  const resolution = resolveByName(solutionName, candidates, (c) => c.solution.friendlyName);
  let chosen: Candidate[] = [];
  if (resolution.kind === 'one') chosen = [resolution.item];
  if (resolution.kind === 'many') {
    const uniqueNames = new Set(resolution.items.map((c) => c.solution.uniqueName.toLowerCase()));
    if (uniqueNames.size === 1) chosen = resolution.items;
    else {
      const names = [...new Set(resolution.items.map((c) => c.solution.friendlyName))];
      return withGaps({ text: `Which solution do you mean: ${names.join(', ')}?`, cards: [] }, reader.gaps, retry);
    }
  }
  if (chosen.length) {
    const uniqueName = chosen[0].solution.uniqueName.toLowerCase();
    chosen = candidates.filter((c) => c.solution.uniqueName.toLowerCase() === uniqueName);
  }
  const sections = (await Promise.all(chosen.map((c) => environmentSection(reader, caller, isAdmin, c, now)))).filter(
    (s): s is EnvironmentSection => s !== undefined,
  );
  if (!sections.length) {
    const suggestions = resolution.kind === 'none' ? resolution.suggestions : [];
    const text =
      `I could not find a solution called "${solutionName}" among the solutions you work on.` +
      (suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '');
    return withGaps({ text, cards: [] }, reader.gaps, retry);
  }
  const flagged = sections.reduce((n, s) => n + s.rows.filter((r) => r.flags).length, 0);
  const total = sections.reduce((n, s) => n + s.rows.length, 0);
  const card = renderCard('solutionReferences', {
    title: `Connection references in ${chosen[0].solution.friendlyName}`,
    summary: `${total} reference${total === 1 ? '' : 's'} in ${sections.length} environment${sections.length === 1 ? '' : 's'}${flagged ? `, ${flagged} flagged.` : ', nothing flagged.'}`,
    sections,
  });
  return withGaps({ cards: [card] }, reader.gaps, retry);
}
