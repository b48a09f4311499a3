/**
 * The field types card data is made of, for the verb catalogue's schemas. A button's data and the person's inputs
 * come back from the client as it chooses to send them, so every field says what it accepts: the wrong type or a
 * value too long is refused (naming the field), while an empty or absent value is simply "not given" — our own
 * templates render an unset id as "".
 */
import { z } from 'zod';
import { CARD_ID } from '../cardActionGuard';

/** The one cleaner of card strings: surrounding spaces go, and an empty string counts as absent. */
export function cleanCardString(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** An id the bot put on the card (a GUID, a hash, a resource name): one printable token. */
export const id = () => z.preprocess(cleanCardString, z.string().regex(CARD_ID).optional());

/** An id the button cannot work without; when it is absent the verb's `missing` answer is given. */
export const requiredId = () => z.preprocess(cleanCardString, z.string().regex(CARD_ID));

/** A name or a choice the bot put on the card, or text the person typed (an Input.Text), up to `max` characters. */
export const text = (max = 256) => z.preprocess(cleanCardString, z.string().max(max).optional());

/**
 * A page number or a number of days. Templates may render numbers as strings ("2"), so digits are read as a
 * number (a fraction is rounded down); anything else that is not a number in range is refused.
 */
export const count = (max = 10_000) =>
  z.preprocess((value) => {
    const cleaned = cleanCardString(value);
    return typeof cleaned === 'string' && /^\d+$/.test(cleaned) ? Number(cleaned) : cleaned;
  }, z.number().min(0).max(max).transform(Math.floor).optional());
