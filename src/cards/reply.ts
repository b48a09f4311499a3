/**
 * What a domain handler gives back to the chat edge: text and/or rendered cards. src/app turns it into
 * activities; the chat CLI prints it. Nothing here knows about botbuilder.
 */
import type { AdaptiveCard } from './renderCard';

export interface Reply {
  text?: string;
  cards: AdaptiveCard[];
  /** Schema.org entities of the message: the AI-generated label and in-text citations of a model's answer. */
  entities?: Record<string, unknown>[];
  /** Teams channel data of the message, e.g. feedbackLoopEnabled (the like/dislike buttons). */
  channelData?: Record<string, unknown>;
}

/** A message for someone other than the caller (an approver, the requester), by Entra object id. */
export interface Notification {
  toUserId: string;
  reply: Reply;
  /** Stable key to update the same card later (e.g. "approval:<id>") instead of posting a new one. */
  cardKey?: string;
}

export const textReply = (text: string): Reply => ({ text, cards: [] });
