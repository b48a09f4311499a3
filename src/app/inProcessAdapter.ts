/**
 * A Bot Framework adapter with no HTTP: the chat CLI, tests and benchmarks hand it activities and read back what
 * the bot sent, including proactive messages and card updates to other people's conversations. It runs the same
 * Application and middleware as the server, so what the CLI prints is what Teams would show.
 */
import {
  ActivityTypes,
  BotAdapter,
  INVOKE_RESPONSE_KEY,
  TurnContext,
  type Activity,
  type ConversationParameters,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';

export interface OutgoingActivity {
  conversationId: string;
  kind: 'send' | 'update';
  activity: Partial<Activity>;
}

export class InProcessAdapter extends BotAdapter {
  /** Everything the bot sent or updated, in order. */
  readonly outbox: OutgoingActivity[] = [];
  private readonly activityConversations = new Map<string, string>();

  constructor(private readonly serviceUrl = 'https://inprocess.invalid/') {
    super();
  }

  /** Runs one incoming activity through the bot; returns the invoke response for invokes. */
  async process(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<unknown>,
  ): Promise<{ status: number; body?: unknown } | undefined> {
    const incoming = { serviceUrl: this.serviceUrl, id: randomUUID(), timestamp: new Date(), ...activity } as Activity;
    const context = new TurnContext(this, incoming);
    await this.runMiddleware(context, async (ctx) => {
      await logic(ctx);
    });
    if (incoming.type === ActivityTypes.Invoke) {
      const response = context.turnState.get(INVOKE_RESPONSE_KEY) as { value?: { status: number; body?: unknown } };
      return response?.value ?? { status: 501 };
    }
    return undefined;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === ActivityTypes.InvokeResponse) {
        context.turnState.set(INVOKE_RESPONSE_KEY, activity);
        responses.push({ id: '' });
        continue;
      }
      // A plain typing indicator shows nothing lasting; a streaming one (Teams' informative updates) is kept.
      const streamed = activity.channelData as { streamType?: string; streamId?: string } | undefined;
      if ((activity.type === ActivityTypes.Typing && !streamed?.streamType) || activity.type === 'delay') {
        responses.push({ id: '' });
        continue;
      }
      // Every part of a stream carries the id of its first one, as in Teams.
      const id = streamed?.streamId ?? randomUUID();
      const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
      this.activityConversations.set(id, conversationId);
      if (this.activityConversations.size > 10_000) {
        // Forget the oldest: updates only ever target recent messages.
        this.activityConversations.delete(this.activityConversations.keys().next().value as string);
      }
      this.outbox.push({ conversationId, kind: 'send', activity: { ...activity, id } });
      responses.push({ id });
    }
    return responses;
  }

  async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    const conversationId =
      (activity.id && this.activityConversations.get(activity.id)) ??
      activity.conversation?.id ??
      context.activity.conversation.id;
    this.outbox.push({ conversationId, kind: 'update', activity });
    return { id: activity.id ?? '' };
  }

  async deleteActivity(): Promise<void> {
    // Nothing to delete in memory; the bot never deletes messages.
  }

  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      reference,
      true,
    ) as Activity;
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  override async continueConversationAsync(
    _botAppIdOrIdentity: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: unknown,
    maybeLogic?: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const logic = (typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic) as (
      context: TurnContext,
    ) => Promise<void>;
    await this.continueConversation(reference, logic);
  }

  override async createConversationAsync(
    _botAppId: string,
    channelId: string,
    serviceUrl: string,
    _audience: string,
    parameters: ConversationParameters,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const member = parameters.members?.[0];
    const reference: Partial<ConversationReference> = {
      channelId,
      serviceUrl,
      bot: parameters.bot,
      user: member,
      conversation: {
        id: `personal-${member?.id ?? randomUUID()}`,
        isGroup: false,
        conversationType: 'personal',
        tenantId: parameters.tenantId,
        name: '',
      },
    };
    await this.continueConversation(reference, logic);
  }
}
