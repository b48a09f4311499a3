/**
 * Turns any failure into a card that says what happened and what to do, never a stack trace. The error itself
 * goes to the log with the correlation id shown on the card, so support can find it.
 */
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import { isTenantApiError } from '../tenant/errors';
import { missingPermission, waitInWords } from '../tenant/missingPermission';

export function friendlyError(error: unknown, options: { correlationId?: string; retryText?: string } = {}): Reply {
  let title = 'Something went wrong on my side';
  let message = 'I could not finish that request.';
  let next = 'Try again in a minute. If it keeps failing, tell your Power Platform admin and quote the reference.';
  if (isTenantApiError(error)) {
    switch (error.kind) {
      case 'throttled':
        title = 'The service is busy';
        message = `Microsoft's ${error.api} API asked me to slow down.`;
        next = error.retryAfterMs
          ? `Try again in ${waitInWords(error.retryAfterMs)} (the service's own wait); nothing was changed.`
          : 'Try again in a minute; nothing was changed.';
        break;
      case 'forbidden':
        title = 'Not allowed';
        message = `The ${error.api} API refused access (${error.code}).`;
        next = missingPermission(error)
          ? `Ask a Power Platform admin to fix it: ${missingPermission(error)} (docs/deployment.md).`
          : 'Ask a Power Platform admin to check the bot’s permissions.';
        break;
      case 'unauthorized':
        title = 'Sign-in to the tenant failed';
        message = `I could not sign in to the ${error.api} API.`;
        next = 'Ask an admin to check the bot’s credentials (client id, secret or certificate).';
        break;
      case 'unavailable':
      case 'timeout':
        title = 'A service did not answer';
        message = `The ${error.api} API is not answering right now.`;
        next = 'Try again in a few minutes; nothing was changed.';
        break;
      case 'notFound':
        title = 'Not found';
        message = `The ${error.api} API says it does not exist any more (${error.code}).`;
        next = 'Check the name, or ask again to see the current list.';
        break;
      default:
        message = `The ${error.api} API answered with ${error.code}.`;
    }
  }
  return {
    text: `${title}. ${message}`,
    cards: [
      renderCard('error', {
        title,
        message,
        next,
        reference: options.correlationId ?? '',
        retryText: options.retryText ?? '',
      }),
    ],
  };
}
