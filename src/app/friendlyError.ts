/**
 * Turns any failure into a card that says what happened and what to do, never a stack trace. The words come from
 * the error catalogue (tenant/errors.ts); the error itself goes to the log with the correlation id shown on the
 * card, so support can find it.
 */
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import { describeError } from '../tenant/errors';
import { ASK_MAX_CHARS } from './cardVerbs/askVerbs';

export function friendlyError(error: unknown, options: { correlationId?: string; retryText?: string } = {}): Reply {
  const { title, what, next } = describeError(error);
  // [Try again] asks the failed message again (a chat.ask button); one longer than a button may carry is typed again.
  const retryText = options.retryText && options.retryText.length <= ASK_MAX_CHARS ? options.retryText : '';
  return {
    text: `${title}. ${what}`,
    cards: [
      renderCard('error', {
        title,
        message: what,
        next,
        reference: options.correlationId ?? '',
        retryText,
      }),
    ],
  };
}
