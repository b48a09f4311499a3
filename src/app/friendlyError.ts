/**
 * Turns any failure into a card that says what happened and what to do, never a stack trace. The words come from
 * the error catalogue (tenant/errors.ts); the error itself goes to the log with the correlation id shown on the
 * card, so support can find it.
 */
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import { describeError } from '../tenant/errors';

export function friendlyError(error: unknown, options: { correlationId?: string; retryText?: string } = {}): Reply {
  const { title, what, next } = describeError(error);
  return {
    text: `${title}. ${what}`,
    cards: [
      renderCard('error', {
        title,
        message: what,
        next,
        reference: options.correlationId ?? '',
        retryText: options.retryText ?? '',
      }),
    ],
  };
}
