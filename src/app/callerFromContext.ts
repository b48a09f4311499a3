/**
 * The verified caller of a turn. The Bot Framework adapter has already checked the channel's token, so the
 * activity's from.aadObjectId and tenant are the only identity we trust — never anything inside card data.
 */
import type { TurnContext } from 'botbuilder';
import type { Caller } from '../access/caller';

export function callerFromContext(context: TurnContext): Caller | undefined {
  const activity = context.activity;
  const userId = activity.from?.aadObjectId;
  const tenantId =
    activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  if (!userId || !tenantId) return undefined;
  return { userId, tenantId, displayName: activity.from?.name };
}
