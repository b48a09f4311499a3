/**
 * The Teams AI Application: routes activities to the planner and the domain services. This folder is the only
 * place that knows teams-ai and botbuilder; everything it calls takes plain data (a verified Caller, ids, text).
 */
import { Application, TurnState, type TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes, type ResourceResponse, type Storage, type TurnContext } from 'botbuilder';
import type { Caller } from '../access/caller';
import { textReply, type Reply } from '../cards/reply';
import { getLogger } from '../logging/logger';
import { replyToActivity } from './activities';
import { callerFromContext } from './callerFromContext';
import { askedLine } from './cardVerbs/askVerbs';
import type { ClickTurn } from './cardVerbs/cardVerb';
import { CardClicks } from './cardVerbs/cardClicks';
import { CARD_VERBS } from './cardVerbs/catalogue';
import { ConversationReferences } from './conversationReferences';
import { handleIntent } from './dispatch';
import { friendlyError } from './friendlyError';
import { helpReply } from './helpCard';
import { canStream, InformativeStream } from './informativeStream';
import { recordFeedback } from './planner/llmFeedback';
import { MessageUnderstanding } from './messageUnderstanding';
import type { ProactiveNotifier } from './proactiveNotifier';
import { ScanStream } from './scanStream';
import type { ActionResult, BotServices, TurnStreams } from './services';

const log = getLogger('app');

export interface BotApplicationOptions {
  services: BotServices;
  storage: Storage;
  references: ConversationReferences;
  notifier: ProactiveNotifier;
  adapter?: TeamsAdapter;
  botAppId?: string;
  /** Show "typing…" while a turn works (off for the in-process chat client). */
  typingIndicator?: boolean;
}

const NO_IDENTITY = textReply(
  'I can only help signed-in members of your organization, and I could not tell who you are from this chat.',
);

export function createBotApplication(options: BotApplicationOptions): Application<TurnState> {
  const { services, references, notifier } = options;
  const app = new Application<TurnState>({
    adapter: options.adapter,
    botAppId: options.botAppId,
    storage: options.storage,
    removeRecipientMention: true,
    startTypingTimer: options.typingIndicator ?? false,
    longRunningMessages: false,
  });

  // Keep every conversation's reference, so approvals and notifications can reach people later.
  app.turn('beforeTurn', async (context) => {
    await rememberConversation(context, references).catch((error) =>
      log.warn({ err: error }, 'could not save the conversation reference'),
    );
    return true;
  });

  // Teams sends installationUpdate (and conversationUpdate) when the app is added in any scope; welcoming on
  // installationUpdate alone avoids greeting twice.
  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const action = (context.activity as { action?: string }).action ?? '';
    if (action.startsWith('remove')) {
      await forgetConversation(context, references);
    } else {
      await send(context, helpReply({ demoMode: services.ctx.config.demoMode, greeting: true }));
    }
  });

  const understanding = new MessageUnderstanding(services);
  app.activity(ActivityTypes.Message, async (context, state) => {
    const caller = callerFromContext(context);
    if (!caller) {
      await send(context, NO_IDENTITY);
      return;
    }
    const text = (context.activity.text ?? '').trim();
    if (!text) {
      await send(context, textReply('I did not get any text. Type "help" to see what I can do.'));
      return;
    }
    await respondToText(context, state, caller, text, { streamed: true });
  });

  /**
   * What people type, from the text to the answer sent: the planner (LLM or local, with the conversation's last
   * subject), dispatch, and the answer as a new message. A card button that asks in words (cardVerbs/askVerbs.ts)
   * comes here too, unstreamed (an invoke must be answered within seconds) and with what was asked in front.
   */
  async function respondToText(
    context: TurnContext,
    state: TurnState,
    caller: Caller,
    text: string,
    options: { streamed: boolean; asked?: string },
  ): Promise<void> {
    // One-on-one chats stream what a long turn is doing (informative updates), then its answer as the final message.
    const stream = options.streamed && canStream(context) ? new InformativeStream(context) : undefined;
    const scan = stream && new ScanStream(stream);
    const streams: TurnStreams = stream ? { scanWatcher: scan, inform: (line) => stream.inform(line) } : {};
    const result = await guarded(context, text, async () => {
      if (services.llmPlanner) return services.llmPlanner.respond(services, context, caller, text, streams);
      const plan = await understanding.plan(context, state, caller, text);
      const answered = await handleIntent(services, caller, plan.intent, streams);
      await understanding.remember(state, plan, answered);
      return answered;
    });
    const reply = options.asked ? withAsked(result.reply, options.asked) : result.reply;
    const sentId = await answer(context, reply, stream, scan);
    await result.afterSend?.(sentId).catch((error) => log.warn({ err: error }, 'could not record the reply'));
    await deliver(result);
  }

  // Like/dislike under a model's answer (Teams' feedback loop): stored so admins can see disliked answers.
  app.feedbackLoop(async (context) => {
    const caller = callerFromContext(context);
    if (!caller) return;
    const activity = context.activity;
    await recordFeedback(services.ctx, caller, {
      conversationId: activity.conversation?.id,
      replyToId: activity.replyToId,
      value: activity.value,
    }).catch((error) => log.warn({ err: error }, 'could not record answer feedback'));
  });

  // Card buttons: each verb of the catalogue is its own route; the last route answers every other Action.Execute
  // (a verb we no longer have, or one that is no verb at all) with a plain refusal.
  const clicks = new CardClicks(services);
  const onClick = async (context: TurnContext, state: TurnState, data: unknown) => {
    const caller = callerFromContext(context);
    if (!caller) return NO_IDENTITY.text ?? '';
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    // Outside a one-on-one chat (where canStream is false) others see the answer too: it names who asked.
    const askedBy = canStream(context) ? undefined : caller.displayName;
    const turn: ClickTurn = {
      askedBy,
      typed: (text, { sayWhatWasAsked }) =>
        respondToText(context, state, caller, text, {
          streamed: false,
          asked: sayWhatWasAsked ? askedLine(text, askedBy) : undefined,
        }),
    };
    const result = await guarded(context, undefined, () => clicks.click(caller, verb, data, turn));
    await rememberReplyCard(context, caller, result);
    await deliver(result);
    return result.reply.cards[0] ?? result.reply.text ?? 'Done.';
  };
  for (const { verb } of CARD_VERBS) {
    app.adaptiveCards.actionExecute(verb, (context, state, data: unknown) => onClick(context, state, data));
  }
  app.adaptiveCards.actionExecute(isActionExecute, (context, state, data: unknown) => onClick(context, state, data));

  app.error(async (context, error) => {
    log.error({ err: error, activityId: context.activity?.id }, 'turn failed');
    if (context.activity?.type === ActivityTypes.Message) {
      await send(context, friendlyError(error, { correlationId: context.activity.id })).catch(() => undefined);
    }
  });

  // Queued in the persistent, rate-limited outbox and delivered from there (never awaited here: a turn answers
  // within seconds, and a conversation over Teams' limits may have to wait 30 s).
  async function deliver(result: ActionResult): Promise<void> {
    if (result.notifications?.length) await services.ctx.notifier.send(result.notifications);
  }

  async function rememberReplyCard(context: TurnContext, caller: Caller, result: ActionResult): Promise<void> {
    const key = result.replyCardKey;
    const conversationId = context.activity.conversation?.id;
    const activityId = context.activity.replyToId;
    if (key && conversationId && activityId) {
      await notifier.rememberCard(key, caller.userId, conversationId, activityId);
    }
  }

  return app;
}

/** Any Action.Execute click, whatever its verb (the selector teams-ai's own verb routes use, minus the verb). */
async function isActionExecute(context: TurnContext): Promise<boolean> {
  const activity = context.activity;
  return (
    activity.type === ActivityTypes.Invoke &&
    activity.name === 'adaptiveCard/action' &&
    (activity.value as { action?: { type?: unknown } } | undefined)?.action?.type === 'Action.Execute'
  );
}

/** Runs a handler; any failure becomes a friendly card with a reference, logged with the full error. */
async function guarded(
  context: TurnContext,
  retryText: string | undefined,
  work: () => Promise<ActionResult>,
): Promise<ActionResult> {
  try {
    return await work();
  } catch (error) {
    log.error({ err: error, activityId: context.activity.id }, 'handler failed');
    return { reply: friendlyError(error, { correlationId: context.activity.id, retryText }) };
  }
}

/**
 * Sends the turn's answer: a streamed "scan now" ends its own stream; a stream the turn started (informative
 * updates) ends with the answer as its final message; otherwise, or when the stream fails, a plain message.
 * Returns the id of the message sent.
 */
async function answer(
  context: TurnContext,
  reply: Reply,
  stream?: InformativeStream,
  scan?: ScanStream,
): Promise<string | undefined> {
  if (scan && (await scan.answer(reply))) return undefined;
  if (stream?.started) {
    try {
      return await stream.finish(reply);
    } catch (error) {
      log.warn({ err: error }, 'could not end the stream; sending the answer as a message');
    }
  }
  return (await send(context, reply))?.id;
}

/** An answer to a button that asked in words: what was asked, then the answer's own text. */
function withAsked(reply: Reply, asked: string): Reply {
  return { ...reply, text: reply.text ? `${asked}\n\n${reply.text}` : asked };
}

async function send(context: TurnContext, reply: Reply): Promise<ResourceResponse | undefined> {
  return context.sendActivity(replyToActivity(reply));
}

async function rememberConversation(context: TurnContext, references: ConversationReferences): Promise<void> {
  const activity = context.activity;
  const reference = {
    activityId: undefined,
    user: activity.from,
    bot: activity.recipient,
    conversation: activity.conversation,
    channelId: activity.channelId,
    locale: activity.locale,
    serviceUrl: activity.serviceUrl,
  };
  if (!activity.conversation?.id) return;
  await references.save(ConversationReferences.conversationKey(activity.conversation.id), reference);
  const personal = activity.conversation.conversationType === 'personal' || !activity.conversation.isGroup;
  if (personal && activity.from?.aadObjectId) {
    await references.save(ConversationReferences.userKey(activity.from.aadObjectId), reference);
  }
}

async function forgetConversation(context: TurnContext, references: ConversationReferences): Promise<void> {
  const activity = context.activity;
  if (!activity.conversation?.id) return;
  await references.remove(ConversationReferences.conversationKey(activity.conversation.id));
  if (activity.from?.aadObjectId && activity.conversation.conversationType === 'personal') {
    await references.remove(ConversationReferences.userKey(activity.from.aadObjectId));
  }
}
