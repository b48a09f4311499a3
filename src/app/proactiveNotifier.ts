/**
 * Proactive messages to people other than the caller through the adapter's continueConversation, using the
 * stored conversation references. Only the notifications outbox calls post() (through ProactiveDelivery), so every
 * message waits for Teams' limits and a 429 is retried, never dropped. A message with a cardKey updates the card
 * that person already has under that key (so every copy of an approval card ends in its final state) and is
 * posted only when there is none. When a person has no 1:1 chat with the bot yet, it opens one in the same tenant
 * (Teams allows this when the app is installed for them).
 */
import type { BotAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Reply } from '../cards/reply';
import { getLogger } from '../logging/logger';
import { replyToActivity } from './activities';
import { ConversationReferences } from './conversationReferences';

const log = getLogger('app.proactive');

export interface ProactiveOptions {
  adapter: BotAdapter;
  botAppId: string;
  tenantId: string;
  references: ConversationReferences;
}

export class ProactiveNotifier {
  constructor(private readonly options: ProactiveOptions) {}

  /** Records which message holds a card for a user (used for the card the caller clicked on, too). */
  async rememberCard(cardKey: string, userId: string, conversationId: string, activityId: string): Promise<void> {
    await this.options.references.saveCardCopy(cardKey, userId, {
      conversationKey: ConversationReferences.conversationKey(conversationId),
      activityId,
    });
  }

  /**
   * Posts (or, with a cardKey it has sent before, updates) a message to a user's 1:1 chat or to a stored
   * conversation. Returns false when there is no way to reach the target; channel errors are thrown as they are.
   */
  async post(
    target: { userId: string } | { conversationKey: string },
    reply: Reply,
    cardKey?: string,
    /** Called just before the message leaves (the outbox counts it against Teams' limits from then). */
    sending?: () => void,
  ): Promise<boolean> {
    const { references } = this.options;
    const userId = 'userId' in target ? target.userId : undefined;
    const copy = cardKey && userId ? await references.getCardCopy(cardKey, userId) : undefined;
    const copyReference = copy ? await references.get(copy.conversationKey) : undefined;
    const reference =
      copyReference ??
      (userId
        ? await this.referenceFor(userId)
        : await references.get((target as { conversationKey: string }).conversationKey));
    if (!reference) return false;
    const activity = replyToActivity(reply);
    // The adapter hands an error thrown inside the callback to its onTurnError (which logs it) instead of throwing
    // it here: caught inside and thrown after, a 429 reaches the outbox, which waits and tries again.
    let failure: { error: unknown } | undefined;
    await this.continueConversation(reference, async (context) => {
      let sent;
      try {
        sending?.();
        if (copy && copyReference) {
          await context.updateActivity({ ...activity, id: copy.activityId });
          return;
        }
        sent = await context.sendActivity(activity);
      } catch (error) {
        failure = { error };
        return;
      }
      if (cardKey && userId && sent?.id && context.activity.conversation?.id) {
        // Sent already: a failure to remember the copy is not a failure to deliver (a retry would post it twice).
        await this.rememberCard(cardKey, userId, context.activity.conversation.id, sent.id).catch((error: unknown) =>
          log.warn({ err: error, cardKey }, 'could not remember which message holds a card; it will be posted anew'),
        );
      }
    });
    if (failure) throw failure.error;
    return true;
  }

  private async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    await this.options.adapter.continueConversationAsync(this.options.botAppId, reference, logic);
  }

  private async referenceFor(userId: string): Promise<Partial<ConversationReference> | undefined> {
    const { references, adapter, botAppId, tenantId } = this.options;
    const known = await references.get(ConversationReferences.userKey(userId));
    if (known) return known;
    const template = await references.any();
    if (!template?.serviceUrl) return undefined;
    let created: Partial<ConversationReference> | undefined;
    await adapter.createConversationAsync(
      botAppId,
      template.channelId ?? 'msteams',
      template.serviceUrl,
      'https://api.botframework.com',
      {
        isGroup: false,
        bot: template.bot ?? { id: botAppId, name: 'Connection Ops' },
        members: [{ id: userId, name: '' }],
        tenantId,
        channelData: { tenant: { id: tenantId } },
        activity: undefined as never,
      },
      async (context) => {
        created = context.activity.conversation
          ? {
              ...template,
              conversation: context.activity.conversation,
              user: { id: userId, name: '', aadObjectId: userId },
            }
          : undefined;
      },
    );
    if (created) {
      await references.save(ConversationReferences.userKey(userId), created);
      if (created.conversation?.id) {
        await references.save(ConversationReferences.conversationKey(created.conversation.id), created);
      }
    }
    return created;
  }
}
