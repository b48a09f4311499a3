/**
 * Turns "point Vendor Management's references at the service principal connection" (or a button on a solution's
 * references or a finding) into the preview the approvers approve: each reference of the solution that should move,
 * its current and new connection, the flows that use it and whether each will be turned off and on, and each
 * reference that cannot move with the reason (targetChecks.ts).
 *
 * The target of a reference, unless the request names one (`connectionName`, checked as given): a connection of
 * the same environment and connector that does not depend on a person, a service principal's before a technical
 * user's, working and usable by the bot before one that is not; a `target` hint (part of a name) narrows the
 * choice. When several fit equally, the first by name is proposed and the others are listed in the risk notes.
 * Without a named target, only references on a person's connection, on a broken one or on none are moved.
 */
import type { Caller } from '../../access/caller';
import type { DomainContext } from '../../context';
import { isPersonalConnection, isTechnicalAccount } from '../../connections/tenantFacts';
import type { Connection, ConnectionReference, Environment, Flow, Solution } from '../../tenant/model';
import { resolveByName } from '../../understanding/nameResolution';
import type { DraftResult } from '../operationKind';
import type { PlannedFlow, PlannedReference, RefusedReference, RepointOperation } from './repointOperation';
import { repointRiskNotes } from './riskNotes';
import { connectorOf, whyNotTarget } from './targetChecks';

export interface RepointQuery {
  solutionName?: string;
  solutionId?: string;
  environmentId?: string;
  /** Only this reference (a finding's button). */
  referenceId?: string;
  /** The connection to bind, by name (checked as given, with every reason it cannot be used). */
  connectionName?: string;
  /** Part of the target's name (e.g. "D365-App-Registration"), to choose among several candidates. */
  target?: string;
  /**
   * Only the references bound to this connection (by name), whatever kind it is: [Re-point references] on the
   * impact card of a connection moves what uses it off it.
   */
  fromConnectionName?: string;
}

interface Found {
  environment: Environment;
  solution: Solution;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function findSolution(ctx: DomainContext, query: RepointQuery): Promise<Found | string> {
  const environments = (await ctx.tenant.connections.listEnvironments()).filter(
    (e) => e.dataverseUrl && (!query.environmentId || e.id === query.environmentId),
  );
  const found: Found[] = [];
  for (const environment of environments) {
    for (const solution of await all(ctx.tenant.dataverse.listSolutions(environment))) {
      found.push({ environment, solution });
    }
  }
  if (query.solutionId) {
    const byId = found.find((f) => f.solution.id === query.solutionId);
    return byId ?? 'I could not find that solution any more.';
  }
  const name = (query.solutionName ?? '').trim();
  if (!name)
    return 'Which solution? For example: "point the Vendor Management references at the service principal connection".';
  const resolved = resolveByName(name, found, (f) => f.solution.friendlyName || f.solution.uniqueName);
  if (resolved.kind === 'one') return resolved.item;
  if (resolved.kind === 'many') {
    const names = resolved.items.map((f) => `${f.solution.friendlyName} (${f.environment.displayName})`);
    return `Several solutions match "${name}": ${names.join(', ')}. Say which one, with its environment.`;
  }
  const hint = resolved.suggestions.length ? ` Did you mean ${resolved.suggestions.join(', ')}?` : '';
  return `I found no solution called "${name}".${hint}`;
}

const info = (c: Connection) => ({ name: c.name, displayName: c.displayName });

/** Service principal first, then a technical user's; a person's connection is no candidate. */
function candidateRank(c: Connection): number | undefined {
  if (c.authType === 'servicePrincipal') return 0;
  if (
    c.authType === 'user' &&
    isTechnicalAccount({ displayName: c.createdBy.displayName, userPrincipalName: c.accountName })
  )
    return 1;
  if (c.authType === 'other' && !isPersonalConnection(c)) return 2;
  return undefined;
}

function needsMoving(reference: ConnectionReference, current: Connection | undefined): boolean {
  if (!reference.connectionName || !current) return true;
  return current.status !== 'Connected' || isPersonalConnection(current);
}

interface Chosen {
  target?: Connection;
  refusal?: string;
  alternatives: string[];
}

async function chooseTarget(
  ctx: DomainContext,
  environment: Environment,
  reference: ConnectionReference,
  connections: Connection[],
  query: RepointQuery,
): Promise<Chosen> {
  const connector = connectorOf(reference.connectorId);
  const hint = query.target?.toLowerCase();
  const possible = connections
    .filter((c) => c.connector.toLowerCase() === connector && c.name !== reference.connectionName)
    .filter((c) => candidateRank(c) !== undefined);
  // A hint names one connector's target ("at D365-App-Registration"): references of other connectors ignore it.
  const hinted = hint
    ? possible.filter((c) =>
        `${c.displayName} ${c.accountName ?? ''} ${c.createdBy.displayName}`.toLowerCase().includes(hint),
      )
    : [];
  const candidates = hinted.length ? hinted : possible;
  if (!candidates.length) {
    return {
      refusal: `There is no service principal or technical user connection of ${connector} in ${environment.displayName}: create one (and share it with the bot's service principal), then ask again.`,
      alternatives: [],
    };
  }
  const checked = await Promise.all(
    candidates.map(async (c) => ({ c, why: await whyNotTarget(ctx, environment, reference, c) })),
  );
  checked.sort(
    (a, b) =>
      Number(a.why !== undefined) - Number(b.why !== undefined) ||
      (candidateRank(a.c) ?? 9) - (candidateRank(b.c) ?? 9) ||
      a.c.displayName.localeCompare(b.c.displayName),
  );
  const [best, ...rest] = checked;
  const alternatives = rest.filter((r) => r.why === undefined).map((r) => r.c.displayName);
  return best.why ? { target: best.c, refusal: best.why, alternatives } : { target: best.c, alternatives };
}

/** A connection named outright: in this environment, or elsewhere (then refused as another environment's). */
async function namedConnection(
  ctx: DomainContext,
  environment: Environment,
  connections: Connection[],
  name: string,
): Promise<Connection | undefined> {
  const here = connections.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (here) return here;
  for (const other of await ctx.tenant.connections.listEnvironments()) {
    if (other.id === environment.id) continue;
    for await (const c of ctx.tenant.connections.listConnections(other.id)) {
      if (c.name.toLowerCase() === name.toLowerCase()) return c;
    }
  }
  return undefined;
}

/** Admins, or an owner of one of the solution's flows (the people who work on it). */
export async function solutionOwners(ctx: DomainContext, environmentId: string, flows: Flow[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const flow of flows) {
    for (const owner of await ctx.tenant.flows.listFlowOwners(environmentId, flow.id)) {
      if (owner.role === 'Owner' && owner.principal.type === 'User') ids.add(owner.principal.id);
    }
  }
  const enabled: string[] = [];
  for (const id of ids) if ((await ctx.tenant.directory.getUser(id))?.accountEnabled) enabled.push(id);
  return enabled;
}

/** The ids of a solution's components, and its flows as the Flow API lists them. */
async function solutionMembers(
  ctx: DomainContext,
  environment: Environment,
  solution: Solution,
): Promise<{ members: Set<string>; flows: Flow[] }> {
  const members = new Set(
    (await all(ctx.tenant.dataverse.listSolutionComponents(environment, solution.id))).map((c) =>
      c.objectId.toLowerCase(),
    ),
  );
  const flows = (await all(ctx.tenant.flows.listFlows(environment.id))).filter(
    (f) => f.workflowId !== undefined && members.has(f.workflowId.toLowerCase()),
  );
  return { members, flows };
}

/** The rule on facts already read: an admin, or an owner of one of the solution's flows (solutionOwners). */
function repointRequestAllowed(caller: Caller, facts: { admin: boolean; owners: readonly string[] }): boolean {
  return facts.admin || facts.owners.includes(caller.userId);
}

/** Who may ask, in the words both the refusal and a card without the button use. */
export function whoMayRequestRepoint(solution: string): string {
  return `Only the owners of ${solution} and admins can ask to re-point its connection references. Ask one of them.`;
}

/**
 * Whether the request would accept the caller for this solution (the same reads and rule as draftRepoint), so a card
 * offers [Re-point references] only to them. The request checks again when clicked.
 */
export async function mayRequestRepoint(
  ctx: DomainContext,
  caller: Caller,
  query: { environmentId: string; solutionName: string },
): Promise<boolean> {
  if (await ctx.access.isAdmin(caller)) return true;
  const found = await findSolution(ctx, query);
  if (typeof found === 'string') return false;
  const { flows } = await solutionMembers(ctx, found.environment, found.solution);
  const owners = await solutionOwners(ctx, found.environment.id, flows);
  return repointRequestAllowed(caller, { admin: false, owners });
}

export async function draftRepoint(
  ctx: DomainContext,
  caller: Caller,
  query: RepointQuery,
): Promise<DraftResult<RepointOperation>> {
  const found = await findSolution(ctx, query);
  const about = query.solutionName ?? query.solutionId ?? 'solution';
  if (typeof found === 'string') return { subject: about, text: found };
  const { environment, solution } = found;
  const subject = solution.friendlyName || solution.uniqueName;

  const { members, flows: solutionFlows } = await solutionMembers(ctx, environment, solution);
  const owners = await solutionOwners(ctx, environment.id, solutionFlows);
  if (!repointRequestAllowed(caller, { admin: await ctx.access.isAdmin(caller), owners })) {
    return { refused: true, subject, text: whoMayRequestRepoint(subject) };
  }

  const from = query.fromConnectionName?.toLowerCase();
  const references = (await all(ctx.tenant.dataverse.listConnectionReferences(environment))).filter(
    (r) =>
      members.has(r.id.toLowerCase()) &&
      (!query.referenceId || r.id === query.referenceId) &&
      (!from || r.connectionName?.toLowerCase() === from),
  );
  if (!references.length && from) {
    return {
      subject,
      text: `No connection reference of ${subject} in ${environment.displayName} is bound to that connection any more: nothing to re-point.`,
    };
  }
  if (!references.length) {
    return {
      subject,
      text: `${subject} has no connection references${query.referenceId ? ' like that' : ''} in ${environment.displayName}.`,
    };
  }
  const connections = await all(ctx.tenant.connections.listConnections(environment.id));
  const byName = new Map(connections.map((c) => [c.name.toLowerCase(), c]));
  const named = query.connectionName
    ? await namedConnection(ctx, environment, connections, query.connectionName)
    : undefined;
  if (query.connectionName && !named) return { subject, text: `I found no connection "${query.connectionName}".` };
  if (
    named &&
    !query.referenceId &&
    !references.some((r) => connectorOf(r.connectorId) === named.connector.toLowerCase())
  ) {
    // Named outright but of a connector none of the references uses: say so rather than "nothing to re-point".
    const used = [...new Set(references.map((r) => connectorOf(r.connectorId)))].join(', ');
    return {
      subject,
      text: `${named.displayName} cannot be used by any connection reference of ${subject}: it is a connection of ${named.connector}, and the references of ${subject} use ${used}.`,
    };
  }

  const moved: PlannedReference[] = [];
  const refused: RefusedReference[] = [];
  const alternatives: string[] = [];
  for (const reference of references) {
    const current = reference.connectionName ? byName.get(reference.connectionName.toLowerCase()) : undefined;
    const from = reference.connectionName
      ? { name: reference.connectionName, displayName: current?.displayName ?? `${reference.connectionName} (missing)` }
      : null;
    const base = {
      referenceId: reference.id,
      logicalName: reference.logicalName,
      displayName: reference.displayName || reference.logicalName,
      connectorId: reference.connectorId,
    };
    let chosen: Chosen;
    if (named) {
      // A named target is meant for references of its connector; one reference named outright is checked as asked.
      const sameConnector = named.connector.toLowerCase() === connectorOf(reference.connectorId);
      if (!sameConnector && !query.referenceId) continue;
      chosen = { target: named, refusal: await whyNotTarget(ctx, environment, reference, named), alternatives: [] };
    } else {
      if (!needsMoving(reference, current) && !query.referenceId && !query.target && !from) continue;
      chosen = await chooseTarget(ctx, environment, reference, connections, query);
    }
    if (chosen.refusal || !chosen.target) {
      refused.push({ displayName: base.displayName, target: chosen.target?.displayName, reason: chosen.refusal ?? '' });
      continue;
    }
    if (reference.connectionName?.toLowerCase() === chosen.target.name.toLowerCase()) continue;
    moved.push({ ...base, from, to: info(chosen.target) });
    if (chosen.alternatives.length) {
      alternatives.push(
        `For ${base.displayName}, ${chosen.target.displayName} was chosen; also possible: ${chosen.alternatives.join(', ')} (say "point ${subject}'s references at <name>" to choose).`,
      );
    }
  }
  if (!moved.length) {
    const why = refused.map((r) => `${r.displayName}: ${r.reason}`).join(' ');
    return {
      subject,
      text: why
        ? `None of the connection references of ${subject} can be re-pointed. ${why}`
        : named
          ? `The connection references of ${subject} that can use ${named.displayName} are already bound to it; nothing to re-point.`
          : `The connection references of ${subject} already use connections that do not depend on a person; nothing to re-point.`,
    };
  }
  const movedNames = new Set(moved.map((m) => m.logicalName.toLowerCase()));
  const flows: PlannedFlow[] = solutionFlows
    .map((f) => ({
      flowId: f.id,
      displayName: f.displayName,
      referenceLogicalNames: [
        ...new Set(
          f.connectionReferences.flatMap((r) =>
            r.connectionReferenceLogicalName && movedNames.has(r.connectionReferenceLogicalName.toLowerCase())
              ? [r.connectionReferenceLogicalName]
              : [],
          ),
        ),
      ],
      onWhenDrafted: f.state === 'Started',
    }))
    .filter((f) => f.referenceLogicalNames.length > 0);

  const operation: RepointOperation = {
    kind: 'repoint',
    environmentId: environment.id,
    environmentName: environment.displayName,
    solutionId: solution.id,
    solutionName: subject,
    references: moved,
    refused,
    flows,
    solutionOwnerIds: owners,
  };
  return { operation, riskNotes: [...repointRiskNotes(operation), ...alternatives] };
}
