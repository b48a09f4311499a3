/**
 * Turns what a person asked for (a [Request access] / [Rotate] button, or a sentence such as "share my Outlook
 * connection in DEV with Adele") into a Draft: the exact resources, resolved server-side and checked against the
 * request policy, with risk notes. The requester confirms the draft on a card before anything is sent.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../access/caller';
import { textReply, type Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import { isTenantApiError } from '../tenant/errors';
import type { AppRegistration, Connection, Environment, User } from '../tenant/model';
import { approversFor, mayRequestRotation } from './approvalPolicy';
import type { OperationPayload, RequestStart } from '../operations/operationKind';
import { isDrafted } from '../operations/operationKind';
import type { OperationRegistry } from '../operations/registry';
import type { RotationOperation } from '../operations/rotation/definition';
import type { ConnectionTarget, ShareOperation } from '../operations/share/definition';
import { subjectOf, type Draft, type Operation } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import { confirmCard } from './approvalCards';
import { bestMatches, matchScore } from '../understanding/nameResolution';
import { refuse } from './refusals';
import { rotationRiskNotes, shareRiskNotes } from './riskNotes';
import { mayShareWith, oauthShareRefusal } from '../connections/sharingRule';

export class RequestDrafts {
  private readonly repository: ApprovalRepository;

  constructor(
    private readonly ctx: DomainContext,
    private readonly operations: OperationRegistry,
  ) {
    this.repository = new ApprovalRepository(ctx.store.records);
  }

  /** [Request access] on a connection (from a status or diagnosis card): the caller asks to use it. */
  async requestAccess(
    caller: Caller,
    input: { environmentId: string; connector: string; connectionName: string; flowId?: string },
  ): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) {
      return refuse(this.ctx, caller, { reason: 'otherTenant', subject: input.connectionName });
    }
    const environment = await this.environment(input.environmentId);
    if (!environment) return textReply('I could not find that environment. Ask me to diagnose the flow again.');
    const connection = await this.connectionOrUndefined(input.environmentId, input.connector, input.connectionName);
    if (!connection) return textReply('I could not find that connection any more; it may have been deleted.');
    if (await this.canUse(caller.userId, connection)) {
      return textReply(`You can already use ${connection.displayName}; no request is needed.`);
    }
    if (!mayShareWith(connection, 'User')) {
      const me = caller.displayName ?? (await this.ctx.tenant.directory.getUser(caller.userId))?.displayName;
      return refuse(this.ctx, caller, {
        reason: 'notAllowed',
        subject: connection.displayName,
        verb: 'access.request',
        text: oauthShareRefusal(connection.displayName, me ?? 'you'),
      });
    }
    const connections = [connection];
    let flow: ShareOperation['flow'];
    if (input.flowId) {
      const found = await this.ctx.tenant.flows.getFlow(input.environmentId, input.flowId).catch(() => undefined);
      if (!found) return textReply('I could not find that flow any more.');
      const owners = await this.ctx.tenant.flows.listFlowOwners(input.environmentId, input.flowId);
      const coOwns = owners.some((o) => o.principal.id === caller.userId && o.role !== 'CanView');
      if (!coOwns || !found.connectionReferences.some((r) => r.connectionName === connection.name)) {
        return refuse(this.ctx, caller, {
          reason: 'notAllowed',
          subject: connection.displayName,
          text: `You can request access from a flow only for connections of a flow you own or co-own; ${found.displayName} does not qualify.`,
        });
      }
      flow = { id: found.id, displayName: found.displayName };
      // One request for all of this owner's connections the flow needs and the caller cannot use yet.
      for (const reference of found.connectionReferences) {
        if (!reference.connectionName || connections.some((c) => c.name === reference.connectionName)) continue;
        const other = await this.connectionOrUndefined(
          input.environmentId,
          reference.connector,
          reference.connectionName,
        );
        if (
          other &&
          other.createdBy.id === connection.createdBy.id &&
          mayShareWith(other, 'User') &&
          !(await this.canUse(caller.userId, other))
        ) {
          connections.push(other);
        }
      }
    }
    const me = await this.ctx.tenant.directory.getUser(caller.userId);
    const operation: ShareOperation = {
      kind: 'share',
      connections: connections.map((c) => target(c, environment)),
      principalId: caller.userId,
      principalName: me?.displayName ?? caller.displayName ?? caller.userId,
      principalType: 'User',
      role: 'CanView',
      flow,
    };
    return this.draft(caller, operation, await shareRiskNotes(this.ctx, operation, me));
  }

  /** "share my Outlook connection in DEV with Adele": the caller (owner or admin) asks to share a connection. */
  async requestShare(
    caller: Caller,
    query: {
      connectionQuery: string;
      environmentQuery?: string;
      targetUserQuery: string;
      role?: 'CanView' | 'CanEdit';
    },
  ): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) {
      return refuse(this.ctx, caller, { reason: 'otherTenant', subject: query.connectionQuery });
    }
    const environments = await this.ctx.tenant.connections.listEnvironments();
    const inScope = query.environmentQuery
      ? bestMatches(environments, (e) => matchScore(query.environmentQuery ?? '', e.displayName, e.id))
      : environments;
    if (!inScope.length) {
      return textReply(
        `I found no environment called "${query.environmentQuery}". Environments: ${environments.map((e) => e.displayName).join(', ')}.`,
      );
    }
    const isAdmin = await this.ctx.access.isAdmin(caller);
    const candidates: { connection: Connection; environment: Environment }[] = [];
    await Promise.all(
      inScope.map(async (environment) => {
        for await (const connection of this.ctx.tenant.connections.listConnections(environment.id)) {
          if (isAdmin || connection.createdBy.id === caller.userId) candidates.push({ connection, environment });
        }
      }),
    );
    const matches = bestMatches(candidates, ({ connection: c }) =>
      matchScore(query.connectionQuery, c.displayName, c.connector, c.connector.replace(/^shared_/, '')),
    );
    if (!matches.length) {
      return textReply(
        `I found no connection of yours matching "${query.connectionQuery}"${
          query.environmentQuery ? ` in ${inScope.map((e) => e.displayName).join(', ')}` : ''
        }. To use someone else's connection, ask me why your flow won't turn on and press [Request access].`,
      );
    }
    if (matches.length > 1) {
      const names = matches.map((m) => `${m.connection.displayName} (${m.environment.displayName})`).join('; ');
      return textReply(
        `Several connections match "${query.connectionQuery}": ${names}. Say which one, with its environment.`,
      );
    }
    const [{ connection, environment }] = matches;
    const shareWith = (
      principal: { id: string; displayName: string },
      principalType: ShareOperation['principalType'],
    ) =>
      ({
        kind: 'share',
        connections: [target(connection, environment)],
        principalId: principal.id,
        principalName: principal.displayName,
        principalType,
        role: query.role ?? 'CanView',
      }) satisfies ShareOperation;
    const servicePrincipal = await this.findServicePrincipal(query.targetUserQuery);
    if (servicePrincipal) {
      const operation = shareWith(servicePrincipal, 'ServicePrincipal');
      return this.draft(caller, operation, await shareRiskNotes(this.ctx, operation, undefined));
    }
    const user = await this.findUser(caller, query.targetUserQuery);
    if (typeof user === 'string') return textReply(user);
    if (user.id === connection.createdBy.id)
      return textReply(`${user.displayName} already owns ${connection.displayName}.`);
    if (!mayShareWith(connection, 'User')) {
      return refuse(this.ctx, caller, {
        reason: 'notAllowed',
        subject: connection.displayName,
        verb: 'share.request',
        text: oauthShareRefusal(connection.displayName, user.displayName),
      });
    }
    const operation = shareWith(user, 'User');
    return this.draft(caller, operation, await shareRiskNotes(this.ctx, operation, user));
  }

  /** [Rotate] or "rotate the secret of D365-App-Registration": app owners and admins only. */
  async requestRotation(caller: Caller, query: { appObjectId?: string; appQuery?: string }): Promise<Reply> {
    const app = await this.findApp(query);
    if (typeof app === 'string') return textReply(app);
    if (!(await mayRequestRotation(this.ctx, caller, app.id))) {
      return refuse(this.ctx, caller, {
        reason: 'notAllowed',
        subject: app.displayName,
        text: `Only the owners of ${app.displayName} and admins can request a rotation of its secret. Ask one of them.`,
      });
    }
    const impact = await rotationRiskNotes(this.ctx, app);
    const operation: RotationOperation = {
      kind: 'rotation',
      appObjectId: app.id,
      appId: app.appId,
      appName: app.displayName,
    };
    return this.draft(caller, operation, impact.notes);
  }

  /** A card button of a kind's own (OperationKind.requests): its module drafts the request from the card's data. */
  async start(
    caller: Caller,
    verb: string,
    start: RequestStart<OperationPayload>,
    data: Record<string, unknown>,
  ): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) {
      return refuse(this.ctx, caller, { reason: 'otherTenant', subject: 'request', verb });
    }
    const drafted = await start.draft(this.ctx, caller, data);
    if (isDrafted(drafted)) return this.draft(caller, drafted.operation, drafted.riskNotes);
    if (!drafted.refused) return textReply(drafted.text);
    return refuse(this.ctx, caller, { reason: 'notAllowed', subject: drafted.subject, verb, text: drafted.text });
  }

  private async draft(caller: Caller, operation: Operation, riskNotes: string[]): Promise<Reply> {
    const { approverIds } = await approversFor(this.ctx, this.operations, caller.userId, operation);
    if (!approverIds.length) {
      return refuse(this.ctx, caller, { reason: 'noApprovers', subject: subjectOf(operation, this.operations) });
    }
    const me = caller.displayName ?? (await this.ctx.tenant.directory.getUser(caller.userId))?.displayName;
    const draft: Draft = {
      id: randomUUID(),
      tenantId: caller.tenantId,
      requesterId: caller.userId,
      requesterName: me ?? caller.userId,
      operation,
      riskNotes,
      createdAt: this.ctx.clock.now().toISOString(),
    };
    await this.repository.saveDraft(draft);
    const names = await Promise.all(
      approverIds.map(async (id) => (await this.ctx.tenant.directory.getUser(id))?.displayName ?? id),
    );
    return { cards: [confirmCard(draft, names, this.operations)] };
  }

  private async findUser(caller: Caller, query: string): Promise<User | string> {
    const q = query.trim();
    if (/^(me|myself)$/i.test(q)) {
      const me = await this.ctx.tenant.directory.getUser(caller.userId);
      return me ?? 'I could not find your own account in the directory.';
    }
    const users: User[] = [];
    for await (const user of this.ctx.tenant.directory.listUsers()) users.push(user);
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
  private async findServicePrincipal(query: string): Promise<{ id: string; displayName: string } | undefined> {
    const q = query.trim().toLowerCase();
    if (!q) return undefined;
    for await (const app of this.ctx.tenant.directory.listApplications()) {
      if (app.displayName.toLowerCase() !== q && app.appId.toLowerCase() !== q) continue;
      const id = await this.ctx.tenant.directory.findServicePrincipalIdByAppId(app.appId);
      return id ? { id, displayName: app.displayName } : undefined;
    }
    return undefined;
  }

  private async findApp(query: { appObjectId?: string; appQuery?: string }): Promise<AppRegistration | string> {
    if (query.appObjectId) {
      try {
        return await this.ctx.tenant.directory.getApplication(query.appObjectId);
      } catch (error) {
        if (isTenantApiError(error) && error.kind === 'notFound')
          return 'I could not find that app registration any more.';
        throw error;
      }
    }
    const q = (query.appQuery ?? '').trim();
    if (!q) return 'Which app registration? For example: "rotate the secret of D365-App-Registration".';
    const apps: AppRegistration[] = [];
    for await (const app of this.ctx.tenant.directory.listApplications()) apps.push(app);
    const matches = bestMatches(apps, (a) => matchScore(q, a.displayName, a.appId));
    if (!matches.length) return `I found no app registration called "${q}".`;
    if (matches.length > 1)
      return `Several app registrations match "${q}": ${matches.map((a) => a.displayName).join(', ')}. Say which one.`;
    return matches[0];
  }

  private async environment(id: string): Promise<Environment | undefined> {
    return (await this.ctx.tenant.connections.listEnvironments()).find((e) => e.id === id);
  }

  private async connectionOrUndefined(env: string, connector: string, name: string): Promise<Connection | undefined> {
    try {
      return await this.ctx.tenant.connections.getConnection(env, connector, name);
    } catch (error) {
      if (isTenantApiError(error) && error.kind === 'notFound') return undefined;
      throw error;
    }
  }

  private async canUse(userId: string, connection: Connection): Promise<boolean> {
    if (connection.createdBy.id === userId) return true;
    const permissions = await this.ctx.tenant.connections.listPermissions(
      connection.environmentId,
      connection.connector,
      connection.name,
    );
    return permissions.some((p) => p.principal.id === userId || p.principal.type === 'Tenant');
  }
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
