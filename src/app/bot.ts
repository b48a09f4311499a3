/**
 * Builds the bot on an adapter: the Application, its turn-state storage, conversation references and the
 * proactive notifier (the way out of the notifications outbox, attached through attachNotifier). The server uses it with a TeamsAdapter, the
 * chat CLI and tests with the InProcessAdapter.
 */
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Activity, BotAdapter, TurnContext } from 'botbuilder';
import { createBotApplication } from './botApplication';
import { ConversationReferences } from './conversationReferences';
import { ProactiveNotifier } from './proactiveNotifier';
import type { BotServices } from './services';
import { TurnStateStorage } from './turnStateStorage';

export interface Bot {
  app: Application<TurnState>;
  references: ConversationReferences;
  notifier: ProactiveNotifier;
  /** Runs one turn (the adapter calls this for each incoming activity). */
  run(context: TurnContext): Promise<void>;
}

export interface BotOptions {
  services: BotServices;
  adapter: BotAdapter;
  botAppId?: string;
  typingIndicator?: boolean;
  /** Receives the proactive notifier: the outbox delivers the domain's notifications and digests through it. */
  attachNotifier?: (notifier: ProactiveNotifier) => void;
  /** Which service URLs a conversation reference may be kept with (default: any; the server narrows it). */
  acceptServiceUrl?: (serviceUrl: unknown) => boolean;
}

export function createBot(options: BotOptions): Bot {
  const { services } = options;
  const references = new ConversationReferences(services.ctx.store.records, options.acceptServiceUrl);
  const notifier = new ProactiveNotifier({
    adapter: options.adapter,
    botAppId: options.botAppId ?? '',
    tenantId: services.ctx.tenant.tenantId,
    references,
  });
  options.attachNotifier?.(notifier);
  const isTeamsAdapter = 'process' in options.adapter && 'credentialsFactory' in options.adapter;
  const app = createBotApplication({
    services,
    storage: new TurnStateStorage(services.ctx.store.botState),
    references,
    notifier,
    adapter: isTeamsAdapter ? (options.adapter as TeamsAdapter) : undefined,
    botAppId: options.botAppId,
    typingIndicator: options.typingIndicator,
  });
  return {
    app,
    references,
    notifier,
    run: async (context) => {
      await app.run(context);
    },
  };
}

export type { Activity };
