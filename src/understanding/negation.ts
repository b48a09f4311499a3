/**
 * Privileged requests said in the negative: "don't share it", "forget the share, just list my conns", "not asking to
 * hand over Lee's flows, just what would break". The classifier reads words, not their polarity, so "share" or
 * "hand over" weighs the same whether it is asked for or refused, and a refused share would be drafted. The clause
 * that refuses a privileged action is therefore taken out before the sentence is classified: what is left (the
 * names, and the clause that says what the person does want) is read as usual, and a message that only refuses
 * asks for nothing privileged.
 *
 * A clause runs from the negation to punctuation or a word that turns to the real ask ("just", "but", "instead");
 * it is taken out only when a privileged verb follows the negation within it, so "no more alerts" or "don't send me
 * alerts" are left to the classifier as they are.
 */

/** Words that refuse what follows them in their clause. */
const NEGATIONS = new Set([
  'not',
  "don't",
  'dont',
  "didn't",
  'didnt',
  "doesn't",
  'never',
  'no',
  'forget',
  'cancel',
  'without',
  'stop',
  'skip',
]);

/** A privileged action, as the corpus words (after synonyms) say it. */
const PRIVILEGED_VERB =
  /^(?:shar\w*|rotat\w*|renew\w*|roll|regenerat\w*|hand|handover|transfer\w*|reassign\w*|repoint\w*|re-?point|rebind\w*|bind|point)$/;

/** Words that end the refusing clause and start what is wanted. */
const TURNS = new Set(['just', 'but', 'instead', 'only', 'rather']);

/** How far after the negation the privileged verb may stand ("not asking you to hand over"). */
const REACH = 4;

/**
 * The words with each clause that refuses a privileged action emptied (as synonyms empty words: same length, so
 * positions stay). `keep(i)` is true for words of a tenant name, which stay; `breakBefore(i)` is true when
 * punctuation stands before word i.
 */
export function withoutRefusedActions(
  texts: string[],
  keep: (i: number) => boolean,
  breakBefore: (i: number) => boolean,
): string[] {
  const out = [...texts];
  for (let i = 0; i < out.length; i++) {
    if (!NEGATIONS.has(out[i]) || keep(i)) continue;
    let end = i + 1;
    while (end < out.length && !breakBefore(end) && !TURNS.has(out[end])) end++;
    const verb = out.slice(i + 1, Math.min(end, i + 1 + REACH)).some((w) => PRIVILEGED_VERB.test(w));
    if (!verb) continue;
    for (let k = i; k < end; k++) if (!keep(k)) out[k] = '';
    i = end - 1;
  }
  return out;
}
