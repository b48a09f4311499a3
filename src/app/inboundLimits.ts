/**
 * The size of what a turn may carry, checked at the front door before any search, lookup, audit or log. Teams
 * itself refuses messages over about 28 KB, so a real client never sends more: a bigger text or card payload is
 * somebody else's traffic, refused with 413 rather than searched.
 */

/** Teams' message size limit, in characters of text (its limit is in bytes; characters are never fewer). */
export const MAX_TEXT_CHARS = 28 * 1024;
/** A card's Action.Execute data plus its inputs: same bound, measured as JSON. */
export const MAX_VALUE_JSON_CHARS = 28 * 1024;

export interface InboundActivity {
  type: string;
  text?: unknown;
  value?: unknown;
  channelId?: unknown;
  serviceUrl?: unknown;
  deliveryMode?: unknown;
  [key: string]: unknown;
}

export function asActivity(body: unknown): InboundActivity | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const activity = body as InboundActivity;
  return typeof activity.type === 'string' ? activity : undefined;
}

/** Why the activity is too large to handle, or undefined when it is within Teams' own limits. */
export function oversizedActivity(activity: InboundActivity): string | undefined {
  if (typeof activity.text === 'string' && activity.text.length > MAX_TEXT_CHARS) {
    return `The message is longer than Teams allows (${MAX_TEXT_CHARS} characters)`;
  }
  if (activity.value !== undefined && JSON.stringify(activity.value).length > MAX_VALUE_JSON_CHARS) {
    return 'The card data is larger than Teams allows';
  }
  return undefined;
}
