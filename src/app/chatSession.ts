/**
 * An in-process conversation with the bot, as Teams would have it: users type text or press a button on the
 * newest card they received, and the session collects what the bot answered them and what it sent to other
 * people meanwhile. The chat CLI, the tests and the benchmarks all drive the bot through this.
 */
import { ActivityTypes, type Activity, type Attachment } from 'botbuilder';
import type { Composition } from '../compose';
import type { AdaptiveCard } from '../cards/renderCard';
import { BotError } from '../tenant/errors';
import { createBot, type Bot } from './bot';
import { InProcessAdapter, type OutgoingActivity } from './inProcessAdapter';
import { UNDERSTOOD_KEY, type Understood } from './messageUnderstanding';

export interface ChatUser {
  /** Entra object id. */
  id: string;
  displayName: string;
  userPrincipalName: string;
}

export interface ChatMessage {
  text: string;
  cards: AdaptiveCard[];
  /** True when the bot updated a message it had sent before (e.g. an approval card reaching its final state). */
  updated?: boolean;
  /** The message's id: an update carries the id of the message it replaces, so one card's versions share it. */
  activityId?: string;
  /** The message's schema.org entities (the AI-generated label and citations of a model's answer). */
  entities?: Record<string, unknown>[];
  /** Part of a stream: an informative update ("Reading environments: 2 of 4"), streamed text, or its final message. */
  stream?: 'informative' | 'streaming' | 'final';
  /** True when the message shows Teams' like/dislike feedback buttons. */
  feedbackLoopEnabled?: boolean;
}

export interface ChatTurn {
  replies: ChatMessage[];
  notifications: (ChatMessage & { toUserId: string })[];
  /** What the bot understood from a typed message (or a button that sends text); absent for other buttons. */
  understood?: Understood;
}

/** What the chat client cannot do (no such button, a link, a user it does not know): told to whoever typed it. */
export class ChatError extends BotError {
  constructor(message: string) {
    super('chat.usage', message);
    this.name = 'ChatError';
  }
}

interface ReceivedCard {
  activityId: string;
  card: AdaptiveCard;
}

type CardAction = { type?: string; title?: string; verb?: string; data?: Record<string, unknown>; url?: string };

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const BOT = { id: '28:connection-ops', name: 'Connection Ops' };

export class ChatSession {
  private readonly adapter = new InProcessAdapter();
  private readonly bot: Bot;
  private readonly received = new Map<string, ReceivedCard[]>();
  /** Per person, the newest message of the bot that shows the feedback buttons (a model's answer). */
  private readonly answers = new Map<string, string>();

  constructor(private readonly composition: Composition) {
    this.bot = createBot({
      services: composition.services,
      adapter: this.adapter,
      attachNotifier: (notifier) => composition.attachNotifier(notifier),
    });
  }

  /**
   * The cards each person has on screen. A Teams client keeps them when the bot restarts, so a session on a
   * restarted bot can be handed them (importCards) and people can still press their buttons.
   */
  exportCards(): Record<string, { activityId: string; card: AdaptiveCard }[]> {
    return Object.fromEntries([...this.received.entries()].map(([userId, cards]) => [userId, [...cards]]));
  }

  importCards(cards: Record<string, { activityId: string; card: AdaptiveCard }[]>): void {
    for (const [userId, list] of Object.entries(cards)) this.received.set(userId, [...list]);
  }

  static conversationId(userId: string): string {
    return `personal-${userId}`;
  }

  async say(user: ChatUser, text: string): Promise<ChatTurn> {
    return this.turn(user, { type: ActivityTypes.Message, text });
  }

  /** Presses the button titled `title` on the newest card `user` has that carries it. */
  async click(user: ChatUser, title: string, inputs: Record<string, unknown> = {}): Promise<ChatTurn> {
    const found = this.findAction(user.id, title);
    if (!found) throw new ChatError(`No card of ${user.userPrincipalName} has a button titled "${title}".`);
    const { action, activityId } = found;
    if (action.type === 'Action.OpenUrl') {
      throw new ChatError(`The button "${title}" opens a link (${action.url}); there is nothing to send to the bot.`);
    }
    // Only Action.Execute reaches the bot from every client: the Agents Playground sends nothing for an
    // Action.Submit (imBack) button, so this client does not pretend to press one either.
    if (action.type !== 'Action.Execute') {
      throw new ChatError(`The button "${title}" is a ${action.type} action, which this client cannot press.`);
    }
    return this.turn(user, {
      type: ActivityTypes.Invoke,
      name: 'adaptiveCard/action',
      replyToId: activityId,
      value: {
        action: { type: 'Action.Execute', verb: action.verb, data: { ...(action.data ?? {}), ...inputs } },
        trigger: 'manual',
      },
    });
  }

  /** Presses like or dislike under the newest answer of the model that `user` received (Teams' feedback loop). */
  async feedback(user: ChatUser, reaction: 'like' | 'dislike', comment = ''): Promise<ChatTurn> {
    const answerId = this.answers.get(user.id);
    if (!answerId) throw new ChatError(`${user.userPrincipalName} has no answer with feedback buttons.`);
    return this.turn(user, {
      type: ActivityTypes.Invoke,
      name: 'message/submitAction',
      replyToId: answerId,
      value: { actionName: 'feedback', actionValue: { reaction, feedback: JSON.stringify({ feedbackText: comment }) } },
    });
  }

  private async turn(user: ChatUser, activity: Partial<Activity>): Promise<ChatTurn> {
    const conversationId = ChatSession.conversationId(user.id);
    const tenantId = this.composition.ctx.tenant.tenantId;
    const start = this.adapter.outbox.length;
    const incoming: Partial<Activity> = {
      channelId: 'msteams',
      from: { id: `29:${user.id}`, name: user.displayName, aadObjectId: user.id },
      recipient: BOT,
      conversation: { id: conversationId, conversationType: 'personal', tenantId, isGroup: false, name: '' },
      channelData: { tenant: { id: tenantId } },
      locale: 'en-US',
      ...activity,
    };
    let understood: Understood | undefined;
    const invokeResponse = await this.adapter.process(incoming, async (context) => {
      await this.bot.run(context);
      understood = context.turnState.get(UNDERSTOOD_KEY) as Understood | undefined;
    });
    await this.composition.services.background.drain();

    const replies: ChatMessage[] = [];
    if (invokeResponse) {
      const body = invokeResponse.body as { type?: string; value?: unknown } | undefined;
      if (body?.type === ADAPTIVE_CARD && body.value) {
        const card = body.value as AdaptiveCard;
        replies.push({ text: '', cards: [card] });
        this.remember(user.id, activity.replyToId ?? '', [card]);
      } else {
        replies.push({ text: typeof body?.value === 'string' ? body.value : '', cards: [] });
      }
    }
    const notifications: ChatTurn['notifications'] = [];
    for (const out of this.adapter.outbox.splice(start)) {
      const message = toMessage(out);
      const recipient = out.conversationId.startsWith('personal-') ? out.conversationId.slice('personal-'.length) : '';
      this.remember(recipient, out.activity.id ?? '', message.cards);
      if (message.feedbackLoopEnabled && out.activity.id) this.answers.set(recipient, out.activity.id);
      if (out.conversationId === conversationId) replies.push(message);
      else notifications.push({ toUserId: recipient, ...message });
    }
    return { replies, notifications, ...(understood ? { understood } : {}) };
  }

  private remember(userId: string, activityId: string, cards: AdaptiveCard[]): void {
    if (!userId || !cards.length) return;
    const list = this.received.get(userId) ?? [];
    for (const card of cards) list.push({ activityId, card });
    // A person only ever clicks on recent cards; keeping a bounded history keeps long sessions flat in memory.
    this.received.set(userId, list.slice(-100));
  }

  private findAction(userId: string, title: string): { action: CardAction; activityId: string } | undefined {
    const cards = this.received.get(userId) ?? [];
    const wanted = normalizeTitle(title);
    for (let i = cards.length - 1; i >= 0; i--) {
      const action = actionsOf(cards[i].card).find((a) => normalizeTitle(a.title ?? '') === wanted);
      if (action) return { action, activityId: cards[i].activityId };
    }
    return undefined;
  }
}

function toMessage(out: OutgoingActivity): ChatMessage {
  const attachments = (out.activity.attachments ?? []) as Attachment[];
  return {
    text: out.activity.text ?? '',
    cards: attachments.filter((a) => a.contentType === ADAPTIVE_CARD).map((a) => a.content as AdaptiveCard),
    ...(out.kind === 'update' ? { updated: true } : {}),
    ...streamTypeOf(out.activity),
    ...(out.activity.id ? { activityId: out.activity.id } : {}),
    ...(out.activity.entities?.length ? { entities: out.activity.entities as Record<string, unknown>[] } : {}),
    ...((out.activity.channelData as { feedbackLoopEnabled?: boolean } | undefined)?.feedbackLoopEnabled
      ? { feedbackLoopEnabled: true }
      : {}),
  };
}

function streamTypeOf(activity: Partial<Activity>): Pick<ChatMessage, 'stream'> {
  const type = (activity.channelData as { streamType?: unknown } | undefined)?.streamType;
  return type === 'informative' || type === 'streaming' || type === 'final' ? { stream: type } : {};
}

/** Button titles are matched without brackets, case or surrounding spaces: "[Approve]" = "approve". */
function normalizeTitle(title: string): string {
  return title
    .replace(/^\s*\[|\]\s*$/g, '')
    .trim()
    .toLowerCase();
}

function actionsOf(node: unknown, out: CardAction[] = []): CardAction[] {
  if (Array.isArray(node)) {
    for (const item of node) actionsOf(item, out);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Action.') && typeof record.title === 'string') {
      out.push(record as CardAction);
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'data') actionsOf(value, out);
  }
  return out;
}
