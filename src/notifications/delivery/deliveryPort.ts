/**
 * How a message reaches a person or a channel. src/app implements it with proactive messages through the Bot
 * Framework adapter; this folder only deals in user ids and conversation keys, and in the outcome the channel
 * gave, so the outbox can decide to retry, wait or drop a subscription. Only the outbox (deliveryOutbox.ts) calls
 * it: every digest and every Notification of the domain reaches the channel through there.
 */
import type { Reply } from '../../cards/reply';

export type DeliveryTarget = { userId: string } | { conversationKey: string };

export type DeliveryOutcome =
  | { outcome: 'sent' }
  | { outcome: 'throttled'; retryAfterMs: number }
  /** 403/404 from the channel: the bot was removed or the user left; the subscription goes. */
  | { outcome: 'gone' }
  | { outcome: 'failed'; retryable: boolean };

/** Implemented by src/app (proactive messages through the Bot Framework adapter). */
export interface DeliveryPort {
  /**
   * Sends `reply`. With a cardKey the person's copy of that card is updated in place when they have one (and
   * posted otherwise), so every copy of a card ends in its latest state. `sending` is called just before the
   * request leaves for the channel (after the look-ups that come first), so Teams' limits count the send from then.
   */
  deliver(target: DeliveryTarget, reply: Reply, cardKey?: string, sending?: () => void): Promise<DeliveryOutcome>;
  /** False while the port cannot deliver yet (the bot adapter is not attached); the outbox then keeps its items. */
  ready?(): boolean;
}

/** The key Teams rate-limits by, and the key conversation references are stored under (src/app). */
export function targetKey(target: DeliveryTarget): string {
  return 'userId' in target ? `user:${target.userId}` : target.conversationKey;
}
