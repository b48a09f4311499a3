/** Reply → Bot Framework activity: text plus Adaptive Card attachments. */
import { CardFactory, type Activity } from 'botbuilder';
import type { Reply } from '../cards/reply';

export function replyToActivity(reply: Reply): Partial<Activity> {
  return {
    type: 'message',
    text: reply.text,
    attachments: reply.cards.map((card) => CardFactory.adaptiveCard(card)),
  };
}
