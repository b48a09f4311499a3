/**
 * "Ask the owner to turn it on": the documented fix when a co-owner cannot turn on a flow because it uses someone
 * else's OAuth connections (which can be shared only with a service principal). "Once the flow has been turned on
 * by the owner of the connections, then the flow has permissions to use those connections. From that point on, any
 * co-owner of the flow can turn on the flow" (Microsoft Learn, "Use a connection reference in a solution").
 *
 *   flow.askToTurnOn {environmentId, flowId}                       the co-owner's [Ask <owner> to turn it on]
 *   flow.turnedOn    {environmentId, flowId, requesterId}          the owner's [I turned it on]
 *
 * The owner gets a card with a link to the flow and [I turned it on]; on that click the bot reads the flow's state
 * itself (never trusting the click) and tells the requester once the flow is on. Ids only in card data; who may ask
 * and who is told are re-checked against the flow's owners.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import { textReply, type Notification, type Reply } from '../cards/reply';
import { flowPageUrl } from '../connections/makerPortal';
import { isOAuthConnection } from '../connections/sharingRule';
import type { DomainContext } from '../context';
import { isTenantApiError } from '../tenant/errors';
import type { Connection, Flow, FlowOwner } from '../tenant/model';
import type { ApprovalActionResult } from './decideApproval';
import { refuse } from './refusals';

export const ASK_TO_TURN_ON_VERB = 'flow.askToTurnOn';
export const TURNED_ON_VERB = 'flow.turnedOn';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

interface FlowFacts {
  flow: Flow;
  owners: FlowOwner[];
  environmentName: string;
}

export class TurnOnRequests {
  constructor(private readonly ctx: DomainContext) {}

  /** [Ask <owner> to turn it on], pressed by a co-owner. */
  ask(caller: Caller, ids: { environmentId: string; flowId: string }): Promise<ApprovalActionResult> {
    return this.withFlow(caller, ASK_TO_TURN_ON_VERB, ids, (facts) => this.askOwner(caller, facts));
  }

  /** [I turned it on], pressed by the owner who was asked. */
  turnedOn(
    caller: Caller,
    ids: { environmentId: string; flowId: string; requesterId?: string },
  ): Promise<ApprovalActionResult> {
    return this.withFlow(caller, TURNED_ON_VERB, ids, (facts) => this.confirm(caller, facts, ids.requesterId ?? ''));
  }

  private async withFlow(
    caller: Caller,
    verb: string,
    ids: { environmentId: string; flowId: string },
    then: (facts: FlowFacts) => Promise<ApprovalActionResult>,
  ): Promise<ApprovalActionResult> {
    const reply = (r: Reply): ApprovalActionResult => ({ reply: r, notifications: [] });
    if (!this.ctx.access.sameTenant(caller)) {
      return reply(await refuse(this.ctx, caller, { reason: 'otherTenant', subject: ids.flowId, verb }));
    }
    const facts = await this.flowFacts(ids.environmentId, ids.flowId);
    if (!facts) return reply(textReply('I could not find that flow any more; it may have been deleted.'));
    return then(facts);
  }

  /** The co-owner asks: find the one person who owns the OAuth connections they may not use, and send them a card. */
  private async askOwner(caller: Caller, { flow, owners, environmentName }: FlowFacts): Promise<ApprovalActionResult> {
    const reply = (text: string): ApprovalActionResult => ({ reply: textReply(text), notifications: [] });
    if (!coOwns(owners, caller.userId)) {
      return {
        reply: await refuse(this.ctx, caller, {
          reason: 'notAllowed',
          subject: flow.displayName,
          verb: ASK_TO_TURN_ON_VERB,
          text: `Only an owner or co-owner of ${flow.displayName} can ask for it to be turned on.`,
        }),
        notifications: [],
      };
    }
    if (flow.state === 'Started') return reply(`${flow.displayName} is already on: nothing to ask.`);
    const blocked = await this.blockedConnections(flow, caller.userId);
    const ownerIds = [...new Set(blocked.map((c) => c.createdBy.id.toLowerCase()))];
    if (!blocked.length) {
      return reply(
        `You may already use every connection ${flow.displayName} needs, so you can turn it on yourself. If it still fails, ask me to check it again.`,
      );
    }
    if (ownerIds.length > 1) {
      return reply(
        `The connections ${flow.displayName} needs belong to several people (${[...new Set(blocked.map((c) => c.createdBy.displayName))].join(', ')}), so none of them alone can turn it on. Switch the flow to connections of your own.`,
      );
    }
    const owner = blocked[0].createdBy;
    const ownerUser = await this.ctx.tenant.directory.getUser(owner.id);
    if (ownerUser && !ownerUser.accountEnabled) {
      return reply(
        `${owner.displayName}'s account is disabled, so nobody can turn the flow on with those connections. Switch the flow to connections of your own.`,
      );
    }
    const requester = caller.displayName ?? (await this.ctx.tenant.directory.getUser(caller.userId))?.displayName;
    const requesterName = requester ?? 'A co-owner';
    await this.ctx.store.audit.append({
      actor: caller.userId,
      action: 'flow.askToTurnOn',
      subject: flow.displayName,
      outcome: 'success',
      details: { environmentId: flow.environmentId, flowId: flow.id, ownerId: owner.id },
    });
    const card = renderCard('turnOnRequest', {
      title: `${requesterName} asks you to turn on ${flow.displayName} once`,
      message: `${flow.displayName} (${environmentName}) uses your connections, which ${requesterName} may not use. They are OAuth connections, so they cannot be shared with a person. When you turn the flow on, the flow gets permission to use them, and from then on any co-owner (${requesterName} too) can turn it off and on.`,
      why: 'Open the flow and turn it on, then press [I turned it on]: I will check it and tell ' + requesterName + '.',
      facts: blocked.map((c) => ({ title: 'Connection', value: c.displayName })),
      flowUrl: flowPageUrl(flow.environmentId, flow.id),
      done: { environmentId: flow.environmentId, flowId: flow.id, requesterId: caller.userId },
    });
    const notification: Notification = {
      toUserId: owner.id,
      reply: { cards: [card] },
      cardKey: `turnOn:${flow.id}:${caller.userId}`.toLowerCase(),
    };
    return {
      reply: textReply(
        `I asked ${owner.displayName} to turn on ${flow.displayName} once. I will tell you as soon as it is on; after that you can turn it off and on yourself.`,
      ),
      notifications: [notification],
    };
  }

  /** The owner says it is done: believe the flow, not the click. */
  private async confirm(caller: Caller, facts: FlowFacts, requesterId: string): Promise<ApprovalActionResult> {
    const { flow, owners } = facts;
    if (!coOwns(owners, caller.userId) || !requesterId || !coOwns(owners, requesterId)) {
      return {
        reply: await refuse(this.ctx, caller, {
          reason: 'notAllowed',
          subject: flow.displayName,
          verb: TURNED_ON_VERB,
          text: `This button is for the owner of ${flow.displayName} who was asked to turn it on.`,
        }),
        notifications: [],
      };
    }
    const requester = await this.ctx.tenant.directory.getUser(requesterId);
    const requesterName = requester?.displayName ?? 'the co-owner who asked';
    if (flow.state !== 'Started') {
      const card = renderCard('turnOnRequest', {
        title: `${flow.displayName} is still off`,
        message: `I just checked: ${flow.displayName} is ${flow.state === 'Suspended' ? 'suspended' : 'off'}. Open it in Power Automate and turn it on, then press [I turned it on] again.`,
        why: '',
        facts: [],
        flowUrl: flowPageUrl(flow.environmentId, flow.id),
        done: { environmentId: flow.environmentId, flowId: flow.id, requesterId },
      });
      return { reply: { cards: [card] }, notifications: [] };
    }
    const me =
      caller.displayName ?? (await this.ctx.tenant.directory.getUser(caller.userId))?.displayName ?? 'The owner';
    await this.ctx.store.audit.append({
      actor: caller.userId,
      action: 'flow.turnedOn',
      subject: flow.displayName,
      outcome: 'success',
      details: { environmentId: flow.environmentId, flowId: flow.id, requesterId },
    });
    const done = renderCard('turnOnRequest', {
      title: `${flow.displayName} is on`,
      message: `Thank you. I told ${requesterName}: from now on they can turn it off and on themselves.`,
      why: '',
      facts: [],
      flowUrl: flowPageUrl(flow.environmentId, flow.id),
      done: '',
    });
    return {
      reply: { cards: [done] },
      notifications: [
        {
          toUserId: requesterId,
          reply: textReply(
            `${me} turned on ${flow.displayName}. The flow now has permission to use ${me}'s connections, so you can turn it off and on yourself.`,
          ),
        },
      ],
    };
  }

  private async flowFacts(environmentId: string, flowId: string): Promise<FlowFacts | undefined> {
    try {
      const [flow, owners, environments] = await Promise.all([
        this.ctx.tenant.flows.getFlow(environmentId, flowId),
        this.ctx.tenant.flows.listFlowOwners(environmentId, flowId),
        this.ctx.tenant.connections.listEnvironments(),
      ]);
      const environmentName = environments.find((e) => same(e.id, environmentId))?.displayName ?? environmentId;
      return { flow, owners, environmentName };
    } catch (error) {
      if (isTenantApiError(error) && error.kind === 'notFound') return undefined;
      throw error;
    }
  }

  /** The flow's OAuth connections the person may not use and the flow holds no grant for. */
  private async blockedConnections(flow: Flow, userId: string): Promise<Connection[]> {
    const blocked: Connection[] = [];
    for (const reference of flow.connectionReferences) {
      if (reference.source === 'Invoker' || !reference.connectionName) continue;
      if (blocked.some((c) => same(c.name, reference.connectionName ?? ''))) continue;
      if (flow.grantedConnections?.some((g) => same(g, reference.connectionName ?? ''))) continue;
      const connection = await this.ctx.tenant.connections
        .getConnection(flow.environmentId, reference.connector, reference.connectionName)
        .catch(() => undefined);
      if (!connection || same(connection.createdBy.id, userId) || !isOAuthConnection(connection)) continue;
      const permissions = await this.ctx.tenant.connections.listPermissions(
        connection.environmentId,
        connection.connector,
        connection.name,
      );
      if (permissions.some((p) => same(p.principal.id, userId) || p.principal.type === 'Tenant')) continue;
      blocked.push(connection);
    }
    return blocked;
  }
}

function coOwns(owners: FlowOwner[], userId: string): boolean {
  return owners.some((o) => same(o.principal.id, userId) && o.role !== 'CanView');
}
