/**
 * How a message reaches a person or a channel. src/app implements it with proactive messages through the Bot
 * Framework adapter; this folder only deals in user ids and conversation keys, and in the outcome the channel
 * gave, so the outbox can decide to retry, wait or drop a subscription.
 */
import type { Reply } from '../cards/reply';

export type DeliveryTarget = { userId: string } | { conversationKey: string };

export type DeliveryOutcome =
  | { outcome: 'sent' }
  | { outcome: 'throttled'; retryAfterMs: number }
  /** 403/404 from the channel: the bot was removed or the user left; the subscription goes. */
  | { outcome: 'gone' }
  | { outcome: 'failed'; retryable: boolean };

/** Implemented by src/app (proactive messages through the Bot Framework adapter). */
export interface DeliveryPort {
  deliver(target: DeliveryTarget, reply: Reply): Promise<DeliveryOutcome>;
}

/** The key Teams rate-limits by, and the key conversation references are stored under (src/app). */
export function targetKey(target: DeliveryTarget): string {
  return 'userId' in target ? `user:${target.userId}` : target.conversationKey;
}
