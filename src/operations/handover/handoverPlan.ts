/**
 * The frozen plan of a handover: what the job will do for each of the leaver's flows and for each connection
 * reference bound to the leaver's connections, and what it cannot do, in plain words. It is built when the request
 * is drafted and stored (and hashed) with it, so the approvers approve exactly what will run.
 *
 * Why the plan has these shapes:
 * - A flow outside solutions gets the new owner as co-owner (Flow admin API modifyPermissions); the admin API
 *   refuses that for a solution flow, whose owner is changed in Dataverse instead (workflows ownerid).
 * - A leaver's OAuth connection signs in as the leaver, and an OAuth connection cannot be shared with a person, so
 *   it is not handed over but replaced. A reference moves to the environment's service-principal or
 *   technical-user connection of the same connector when one exists; a flow bound to the leaver's connection
 *   directly (outside a reference) needs the new owner to pick a connection of their own.
 * - A canvas app has exactly one owner: the leaver's apps get the new owner through the admin API's modifyAppOwner
 *   (Set-AdminPowerAppOwner). Its connections need nothing: an app signs in as whoever opens it.
 */
import type { DomainContext } from '../../context';
import { isTechnicalAccount } from '../../connections/tenantFacts';
import { describeError, isTenantApiError } from '../../tenant/errors';
import type { CanvasApp, Connection, ConnectionReference, Environment, Flow, User } from '../../tenant/model';
import type { CanvasAppRole } from '../../tenant/ports';
import type { OperationPayload } from '../operationKind';

export interface PlannedFlow {
  environmentId: string;
  environmentName: string;
  flowId: string;
  displayName: string;
  /** Dataverse workflow id of a solution flow. */
  workflowId?: string;
  /**
   * coOwner: the new owner is added as co-owner (flows outside solutions); dataverseOwner: the workflow's owner is
   * changed to the new owner's Dataverse user (solution flows); none: the flow is not the leaver's (it only uses
   * their connections), or the new owner cannot be made its owner (see the plan's manual steps).
   */
  ownership: 'coOwner' | 'dataverseOwner' | 'none';
  /** The new owner's Dataverse user in this environment (dataverseOwner only). */
  newOwnerSystemUserId?: string;
}

export interface PlannedReference {
  environmentId: string;
  environmentName: string;
  referenceId: string;
  logicalName: string;
  displayName: string;
  connector: string;
  /** The leaver's connection it is bound to now (recorded so the card and the audit can say what it was). */
  from: { connectionName: string; displayName: string };
  /** Undefined when the environment has no connection that could take over (a manual step says so). */
  to?: { connectionName: string; displayName: string; signsInAs: string };
  /** Flows (by flow id) that use this reference: turned off and on after the bind when they are on. */
  flowIds: string[];
}

/** A canvas app of the leaver's that changes owner. */
export interface PlannedApp {
  environmentId: string;
  environmentName: string;
  appId: string;
  displayName: string;
}

/**
 * What the leaver keeps on each app handed over: Can view. It is what Set-AdminPowerAppOwner itself leaves the
 * previous owner (Learn: "changes the current owner to the Can View role type"); a disabled account cannot sign in,
 * so it gives no access, while the app's share list still says who built it, and it lets nothing be lost if the
 * account was disabled by mistake. Removal (no role) would be the other choice the API offers.
 */
export const LEAVER_APP_ROLE: CanvasAppRole = 'CanView';

export interface HandoverOperation extends OperationPayload {
  kind: 'handover';
  fromId: string;
  fromName: string;
  toId: string;
  toName: string;
  flows: PlannedFlow[];
  references: PlannedReference[];
  /** The leaver's canvas apps, given to the new owner (absent in plans drafted before apps were handed over). */
  apps?: PlannedApp[];
  /** What cannot be automated, each a sentence saying who must do what. */
  manual: string[];
}

const connectorOf = (reference: ConnectionReference): string => reference.connectorId.split('/').pop() ?? '';

/** Reads the tenant and writes the plan for handing `from`'s flows over to `to`. */
export async function buildHandoverPlan(ctx: DomainContext, from: User, to: User): Promise<HandoverOperation> {
  const plan: HandoverOperation = {
    kind: 'handover',
    fromId: from.id,
    fromName: from.displayName,
    toId: to.id,
    toName: to.displayName,
    flows: [],
    references: [],
    apps: [],
    manual: [],
  };
  const botId = await ctx.tenant.self?.principalId();
  const leftBehind: string[] = [];
  for (const environment of await ctx.tenant.connections.listEnvironments()) {
    const connections: Connection[] = [];
    for await (const c of ctx.tenant.connections.listConnections(environment.id)) connections.push(c);
    const theirs = new Map(
      connections.filter((c) => c.createdBy.id === from.id).map((c) => [c.name.toLowerCase(), c] as const),
    );
    const flows: Flow[] = [];
    for await (const flow of ctx.tenant.flows.listFlows(environment.id)) {
      const uses = flow.connectionReferences.some(
        (r) => r.connectionName && theirs.has(r.connectionName.toLowerCase()),
      );
      if (flow.creatorId === from.id || uses) flows.push(flow);
    }
    const references = await referencesBoundTo(ctx, environment, theirs);
    const apps = await appsOwnedBy(ctx, plan, environment, from);
    plan.apps?.push(
      ...apps.map((app) => ({
        environmentId: environment.id,
        environmentName: environment.displayName,
        appId: app.id,
        displayName: app.displayName,
      })),
    );
    if (!flows.length && !references.length && !theirs.size) continue;

    for (const reference of references) {
      const connector = connectorOf(reference);
      const current = theirs.get((reference.connectionName ?? '').toLowerCase());
      const target = pickTarget(connections, connector, from.id);
      const flowIds = flows
        .filter((f) => f.connectionReferences.some((r) => r.connectionReferenceLogicalName === reference.logicalName))
        .map((f) => f.id);
      plan.references.push({
        environmentId: environment.id,
        environmentName: environment.displayName,
        referenceId: reference.id,
        logicalName: reference.logicalName,
        displayName: reference.displayName,
        connector,
        from: { connectionName: reference.connectionName ?? '', displayName: current?.displayName ?? '' },
        to: target && {
          connectionName: target.name,
          displayName: target.displayName,
          signsInAs: signsInAs(target),
        },
        flowIds,
      });
      if (!target) {
        plan.manual.push(
          `${environment.displayName} has no service-principal or technical-user connection of ${connector.replace(/^shared_/, '')}: ${to.displayName} must create one (not a personal one in production) and bind "${reference.displayName}" to it.`,
        );
      } else if (botId && !(await botMayUse(ctx, target, botId))) {
        plan.manual.push(
          `${target.createdBy.displayName} must first share ${target.displayName} with the bot's service principal (Can use), or the bot cannot bind "${reference.displayName}" to it and turn the flows on (whoever turns a flow on must own or have permission to use its connections).`,
        );
      }
    }

    for (const flow of flows) {
      const planned = await planFlow(ctx, plan, environment, flow, from, to);
      const usesTheirs = flow.connectionReferences.some(
        (r) => r.connectionName && theirs.has(r.connectionName.toLowerCase()),
      );
      // A flow already handed over (and no longer on the leaver's connections) is not part of the plan.
      if (planned.ownership === 'none' && !usesTheirs) continue;
      plan.flows.push(planned);
      for (const use of flow.connectionReferences) {
        const connection = use.connectionName ? theirs.get(use.connectionName.toLowerCase()) : undefined;
        if (!connection || use.connectionReferenceLogicalName) continue;
        plan.manual.push(
          `${flow.displayName} (${environment.displayName}) signs in with ${from.displayName}'s ${connection.displayName} directly: ${to.displayName} must open the flow and pick a connection of their own (an OAuth connection of ${from.displayName} cannot be shared with a person: it must be replaced).`,
        );
      }
    }
    leftBehind.push(...[...theirs.values()].map((c) => `${c.displayName} (${environment.displayName})`));
  }
  if (leftBehind.length) {
    plan.manual.push(
      `${from.displayName}'s own connections (${leftBehind.join(', ')}) are not handed over: a person's own sign-in signs in as them, and an OAuth connection cannot be shared with a person. Delete them once nothing uses them.`,
    );
  }
  return plan;
}

async function planFlow(
  ctx: DomainContext,
  plan: HandoverOperation,
  environment: Environment,
  flow: Flow,
  from: User,
  to: User,
): Promise<PlannedFlow> {
  const planned: PlannedFlow = {
    environmentId: environment.id,
    environmentName: environment.displayName,
    flowId: flow.id,
    displayName: flow.displayName,
    workflowId: flow.workflowId,
    ownership: 'none',
  };
  // Whose flow it is now: the creator of a flow outside solutions stays its owner; a solution flow's owner is the
  // workflow's owner in Dataverse, which the Flow API shows as its only Owner.
  const owners = await ctx.tenant.flows.listFlowOwners(environment.id, flow.id);
  const theirs = owners.some((o) => o.principal.id === from.id && o.role === 'Owner');
  const alreadyGiven = owners.some((o) => o.principal.id === to.id && o.role !== 'CanView');
  if (!theirs || alreadyGiven) return planned;
  if (!flow.workflowId) return { ...planned, ownership: 'coOwner' };
  const user = await ctx.tenant.dataverse.findSystemUser(environment, to.id);
  if (!user || user.isDisabled) {
    plan.manual.push(
      `${to.displayName} has no ${user ? 'enabled ' : ''}user in ${environment.displayName}'s Dataverse, so ${flow.displayName} cannot be given to them: add them to the environment with a security role, then ask again.`,
    );
    return planned;
  }
  return { ...planned, ownership: 'dataverseOwner', newOwnerSystemUserId: user.id };
}

/** The leaver's canvas apps in one environment; an admin list the bot may not read is said as a manual step. */
async function appsOwnedBy(
  ctx: DomainContext,
  plan: HandoverOperation,
  environment: Environment,
  from: User,
): Promise<CanvasApp[]> {
  const apps: CanvasApp[] = [];
  try {
    for await (const app of ctx.tenant.apps.listCanvasApps(environment.id)) {
      if (app.ownerId.toLowerCase() === from.id.toLowerCase()) apps.push(app);
    }
  } catch (error) {
    if (!isTenantApiError(error)) throw error;
    plan.manual.push(
      `The canvas apps of ${environment.displayName} could not be read (${describeError(error).short}): if ${from.displayName} owns any, give them a new owner in the Power Platform admin center.`,
    );
  }
  return apps;
}

async function referencesBoundTo(
  ctx: DomainContext,
  environment: Environment,
  theirs: Map<string, Connection>,
): Promise<ConnectionReference[]> {
  if (!environment.dataverseUrl || !theirs.size) return [];
  const found: ConnectionReference[] = [];
  for await (const reference of ctx.tenant.dataverse.listConnectionReferences(environment)) {
    if (reference.connectionName && theirs.has(reference.connectionName.toLowerCase())) found.push(reference);
  }
  return found;
}

/**
 * The connection a reference should move to: same connector, working, not the leaver's, and not a person's — a
 * service principal first (it depends on no account at all), else a technical user's.
 */
function pickTarget(connections: Connection[], connector: string, leaverId: string): Connection | undefined {
  const usable = connections.filter(
    (c) =>
      c.connector.toLowerCase() === connector.toLowerCase() && c.status === 'Connected' && c.createdBy.id !== leaverId,
  );
  return (
    usable.find((c) => c.authType === 'servicePrincipal') ??
    usable.find(
      (c) =>
        c.authType === 'user' &&
        isTechnicalAccount({
          displayName: c.createdBy.displayName,
          userPrincipalName: c.accountName ?? c.createdBy.userPrincipalName,
        }),
    )
  );
}

function signsInAs(connection: Connection): string {
  return connection.authType === 'servicePrincipal'
    ? 'a service principal'
    : `the technical user ${connection.createdBy.displayName}`;
}

/** Dataverse binds a connection only for its owner and those it is shared with. */
async function botMayUse(ctx: DomainContext, connection: Connection, botId: string): Promise<boolean> {
  if (connection.createdBy.id === botId) return true;
  try {
    const permissions = await ctx.tenant.connections.listPermissions(
      connection.environmentId,
      connection.connector,
      connection.name,
    );
    return permissions.some((p) => p.principal.id === botId || p.principal.type === 'Tenant');
  } catch (error) {
    // Unknown: the bind itself will tell, and the job reports it plainly.
    if (isTenantApiError(error)) return true;
    throw error;
  }
}
