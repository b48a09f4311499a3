/** Reply → Bot Framework activity: text plus Adaptive Card attachments. */
import { CardFactory, type Activity } from 'botbuilder';
import type { Reply } from '../cards/reply';

export function replyToActivity(reply: Reply): Partial<Activity> {
  return {
    type: 'message',
    text: reply.text,
    attachments: reply.cards.map((card) => CardFactory.adaptiveCard(card)),
    // Schema.org entities have "type" like every Bot Framework entity; Reply keeps them as plain data.
    ...(reply.entities ? { entities: reply.entities as unknown as Activity['entities'] } : {}),
    ...(reply.channelData ? { channelData: reply.channelData } : {}),
  };
}
