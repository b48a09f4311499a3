/** Buttons of notifications: [Show more] on a long digest, which is kept in the store and read again by id. */
import { cardVerb } from './cardVerb';
import { count, requiredId } from './cardFields';

export const notificationVerbs = [
  cardVerb({
    verb: 'digest.page',
    data: { digestId: requiredId(), page: count() },
    missing: 'That digest is no longer available; the next scan sends a fresh one.',
    handle: async (services, caller, click) => ({
      reply: await services.notifications.digestPage(caller, click.digestId, click.page),
    }),
  }),
];
