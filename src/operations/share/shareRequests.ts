/**
 * Who may ask to share what, turned into a draft: [Request access] on a connection (from a status or diagnosis
 * card) and a sentence such as "share my Outlook connection in DEV with Adele". The exact connections and the
 * principal are resolved server-side; an OAuth connection is offered only to a service principal (sharingRule.ts).
 * The caller's tenant was checked by the approvals layer before.
 */
import type { Caller } from '../../access/caller';
import { mayShareWith, oauthShareRefusal } from '../../connections/sharingRule';
import type { DomainContext } from '../../context';
import { isTenantApiError } from '../../tenant/errors';
import type { Connection, Environment, User } from '../../tenant/model';
import { bestMatches, matchScore } from '../../understanding/nameResolution';
import type { DraftResult } from '../operationKind';
import type { ConnectionTarget, ShareOperation } from './definition';
import { shareRiskNotes } from './riskNotes';

export interface AccessRequestInput {
  environmentId: string;
  connector: string;
  connectionName: string;
  flowId?: string;
}

export interface ShareQuery {
  connectionQuery: string;
  environmentQuery?: string;
  targetUserQuery: string;
  role?: 'CanView' | 'CanEdit';
}

/** [Request access]: the caller asks to use a connection (and, from a flow, the owner's others that flow needs). */
export async function draftAccessRequest(
  ctx: DomainContext,
  caller: Caller,
  input: AccessRequestInput,
): Promise<DraftResult<ShareOperation>> {
  const say = (text: string) => ({ subject: input.connectionName, text });
  const environment = (await ctx.tenant.connections.listEnvironments()).find((e) => e.id === input.environmentId);
  if (!environment) return say('I could not find that environment. Ask me to diagnose the flow again.');
  const connection = await connectionOrUndefined(ctx, input.environmentId, input.connector, input.connectionName);
  if (!connection) return say('I could not find that connection any more; it may have been deleted.');
  if (await canUse(ctx, caller.userId, connection)) {
    return say(`You can already use ${connection.displayName}; no request is needed.`);
  }
  if (!mayShareWith(connection, 'User')) {
    const me = caller.displayName ?? (await ctx.tenant.directory.getUser(caller.userId))?.displayName;
    return {
      refused: true,
      verb: 'access.request',
      subject: connection.displayName,
      text: oauthShareRefusal(connection.displayName, me ?? 'you'),
    };
  }
  const connections = [connection];
  let flow: ShareOperation['flow'];
  if (input.flowId) {
    const found = await ctx.tenant.flows.getFlow(input.environmentId, input.flowId).catch(() => undefined);
    if (!found) return say('I could not find that flow any more.');
    const owners = await ctx.tenant.flows.listFlowOwners(input.environmentId, input.flowId);
    const coOwns = owners.some((o) => o.principal.id === caller.userId && o.role !== 'CanView');
    if (!coOwns || !found.connectionReferences.some((r) => r.connectionName === connection.name)) {
      return {
        refused: true,
        subject: connection.displayName,
        text: `You can request access from a flow only for connections of a flow you own or co-own; ${found.displayName} does not qualify.`,
      };
    }
    flow = { id: found.id, displayName: found.displayName };
    // One request for all of this owner's connections the flow needs and the caller cannot use yet.
    for (const reference of found.connectionReferences) {
      if (!reference.connectionName || connections.some((c) => c.name === reference.connectionName)) continue;
      const other = await connectionOrUndefined(
        ctx,
        input.environmentId,
        reference.connector,
        reference.connectionName,
      );
      if (
        other &&
        other.createdBy.id === connection.createdBy.id &&
        mayShareWith(other, 'User') &&
        !(await canUse(ctx, caller.userId, other))
      ) {
        connections.push(other);
      }
    }
  }
  const me = await ctx.tenant.directory.getUser(caller.userId);
  const operation: ShareOperation = {
    kind: 'share',
    connections: connections.map((c) => target(c, environment)),
    principalId: caller.userId,
    principalName: me?.displayName ?? caller.displayName ?? caller.userId,
    principalType: 'User',
    role: 'CanView',
    flow,
  };
  return { operation, riskNotes: await shareRiskNotes(ctx, operation, me) };
}

/** "share my Outlook connection in DEV with Adele": the caller (owner or admin) asks to share a connection. */
export async function draftShare(
  ctx: DomainContext,
  caller: Caller,
  query: ShareQuery,
): Promise<DraftResult<ShareOperation>> {
  const say = (text: string) => ({ subject: query.connectionQuery, text });
  const environments = await ctx.tenant.connections.listEnvironments();
  const inScope = query.environmentQuery
    ? bestMatches(environments, (e) => matchScore(query.environmentQuery ?? '', e.displayName, e.id))
    : environments;
  if (!inScope.length) {
    return say(
      `I found no environment called "${query.environmentQuery}". Environments: ${environments.map((e) => e.displayName).join(', ')}.`,
    );
  }
  const isAdmin = await ctx.access.isAdmin(caller);
  const candidates: { connection: Connection; environment: Environment }[] = [];
  await Promise.all(
    inScope.map(async (environment) => {
      for await (const connection of ctx.tenant.connections.listConnections(environment.id)) {
        if (isAdmin || connection.createdBy.id === caller.userId) candidates.push({ connection, environment });
      }
    }),
  );
  const matches = bestMatches(candidates, ({ connection: c }) =>
    matchScore(query.connectionQuery, c.displayName, c.connector, c.connector.replace(/^shared_/, '')),
  );
  if (!matches.length) {
    return say(
      `I found no connection of yours matching "${query.connectionQuery}"${
        query.environmentQuery ? ` in ${inScope.map((e) => e.displayName).join(', ')}` : ''
      }. To use someone else's connection, ask me why your flow won't turn on and press [Request access].`,
    );
  }
  if (matches.length > 1) {
    const names = matches.map((m) => `${m.connection.displayName} (${m.environment.displayName})`).join('; ');
    return say(`Several connections match "${query.connectionQuery}": ${names}. Say which one, with its environment.`);
  }
  const [{ connection, environment }] = matches;
  const shareWith = (principal: { id: string; displayName: string }, principalType: ShareOperation['principalType']) =>
    ({
      kind: 'share',
      connections: [target(connection, environment)],
      principalId: principal.id,
      principalName: principal.displayName,
      principalType,
      role: query.role ?? 'CanView',
    }) satisfies ShareOperation;
  const servicePrincipal = await findServicePrincipal(ctx, query.targetUserQuery);
  if (servicePrincipal) {
    const operation = shareWith(servicePrincipal, 'ServicePrincipal');
    return { operation, riskNotes: await shareRiskNotes(ctx, operation, undefined) };
  }
  const user = await findUser(ctx, caller, query.targetUserQuery);
  if (typeof user === 'string') return say(user);
  if (user.id === connection.createdBy.id) return say(`${user.displayName} already owns ${connection.displayName}.`);
  if (!mayShareWith(connection, 'User')) {
    return {
      refused: true,
      verb: 'share.request',
      subject: connection.displayName,
      text: oauthShareRefusal(connection.displayName, user.displayName),
    };
  }
  const operation = shareWith(user, 'User');
  return { operation, riskNotes: await shareRiskNotes(ctx, operation, user) };
}

async function findUser(ctx: DomainContext, caller: Caller, query: string): Promise<User | string> {
  const q = query.trim();
  if (/^(me|myself)$/i.test(q)) {
    const me = await ctx.tenant.directory.getUser(caller.userId);
    return me ?? 'I could not find your own account in the directory.';
  }
  const users: User[] = [];
  for await (const user of ctx.tenant.directory.listUsers()) users.push(user);
  const matches = bestMatches(users, (u) =>
    matchScore(q, u.displayName, u.userPrincipalName, u.userPrincipalName.split('@')[0]),
  );
  if (!matches.length) return `I found nobody called "${query}" in the directory.`;
  if (matches.length > 1)
    return `Several people match "${query}": ${matches.map((u) => u.displayName).join(', ')}. Say which one.`;
  return matches[0];
}

/**
 * A service principal named by its app registration's display name (e.g. "ALM-Pipeline-SP"), matched exactly so
 * that a person's name never resolves to an app. Its object id (what a share names) is read from Graph.
 */
async function findServicePrincipal(
  ctx: DomainContext,
  query: string,
): Promise<{ id: string; displayName: string } | undefined> {
  const q = query.trim().toLowerCase();
  if (!q) return undefined;
  for await (const app of ctx.tenant.directory.listApplications()) {
    if (app.displayName.toLowerCase() !== q && app.appId.toLowerCase() !== q) continue;
    const id = await ctx.tenant.directory.findServicePrincipalIdByAppId(app.appId);
    return id ? { id, displayName: app.displayName } : undefined;
  }
  return undefined;
}

async function connectionOrUndefined(
  ctx: DomainContext,
  env: string,
  connector: string,
  name: string,
): Promise<Connection | undefined> {
  try {
    return await ctx.tenant.connections.getConnection(env, connector, name);
  } catch (error) {
    if (isTenantApiError(error) && error.kind === 'notFound') return undefined;
    throw error;
  }
}

async function canUse(ctx: DomainContext, userId: string, connection: Connection): Promise<boolean> {
  if (connection.createdBy.id === userId) return true;
  const permissions = await ctx.tenant.connections.listPermissions(
    connection.environmentId,
    connection.connector,
    connection.name,
  );
  return permissions.some((p) => p.principal.id === userId || p.principal.type === 'Tenant');
}

function target(connection: Connection, environment: Environment): ConnectionTarget {
  return {
    environmentId: environment.id,
    environmentName: environment.displayName,
    connector: connection.connector,
    connectionName: connection.name,
    displayName: connection.displayName,
    ownerId: connection.createdBy.id,
    ownerName: connection.createdBy.displayName,
  };
}
