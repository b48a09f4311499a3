/**
 * Which facts a sentence states that its support does not: numbers (limits, prices, counts, versions), currency,
 * dates (month names, years) and names (capitalized words inside a sentence: products, companies, features).
 * A model that was told to use only the cited passages can still make up "at most 25 references" or "2 USD per
 * month from July 2025"; a sentence with any such fact that the passages do not contain is not shown.
 * The check is deliberately lexical and strict: a true statement worded differently from the passages falls back
 * to the curated article, which is always correct; a made-up number never reaches a user.
 */

const NUMBER = /\d+(?:[.,]\d+)*/g;
const CURRENCY = /[$€£¥]|\b(?:usd|eur|gbp|dollars?|euros?|cents?)\b/gi;
const HAS_CURRENCY = new RegExp(CURRENCY.source, 'i');
const NUMBER_WORDS = new Set(
  (
    'two three four five six seven eight nine ten eleven twelve thirteen fifteen twenty thirty forty fifty sixty ' +
    'hundred hundreds thousand thousands million millions billion dozen dozens half twice double triple percent'
  ).split(' '),
);
const MONTHS = new Set(
  'january february march april may june july august september october november december'.split(' '),
);
/** Capitalized words that carry no fact of their own. */
const PLAIN_CAPITALS = new Set(['i', "i'm", "i'll", 'ok', 'yes', 'no']);
const WORD = /[A-Za-z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*/g;

/** The text a statement may draw on, indexed for the checks below. */
export interface Support {
  words: Set<string>;
  numbers: Set<string>;
  currency: boolean;
}

export function supportFrom(texts: string[]): Support {
  const all = texts.join('\n');
  return {
    words: new Set([...all.matchAll(WORD)].map((m) => m[0].toLowerCase())),
    numbers: new Set([...all.matchAll(NUMBER)].map((m) => normalizeNumber(m[0]))),
    currency: HAS_CURRENCY.test(all),
  };
}

/** The facts in `sentence` that `support` does not contain (empty when the sentence states nothing new). */
export function unsupportedFacts(sentence: string, support: Support): string[] {
  const missing: string[] = [];
  for (const m of sentence.matchAll(NUMBER)) {
    if (!support.numbers.has(normalizeNumber(m[0]))) missing.push(m[0]);
  }
  if (!support.currency) for (const m of sentence.matchAll(CURRENCY)) missing.push(m[0]);
  const words = [...sentence.matchAll(WORD)];
  words.forEach((m, i) => {
    const word = m[0];
    const lower = word.toLowerCase();
    if (support.words.has(lower)) return;
    // "twenty-five" counts through its parts.
    const isNumberWord = lower.split(/['’-]/).some((part) => NUMBER_WORDS.has(part));
    // "may" is mostly a verb; a capitalized May inside a sentence is caught as a name below.
    const isMonth = MONTHS.has(lower) && lower !== 'may';
    // The first word of a sentence (or after a colon or an opening quote) is capitalized anyway; any other
    // capital marks a name.
    const startsClause = i === 0 || /[:"“(]\s*$/.test(sentence.slice(0, m.index));
    const isName = !startsClause && /[A-Z]/.test(word) && !PLAIN_CAPITALS.has(lower);
    if (isNumberWord || isMonth || isName) missing.push(word);
  });
  return [...new Set(missing)];
}

function normalizeNumber(text: string): string {
  // 2,000 and 2000 are the same number; 1.5 stays 1.5.
  return text.replace(/,(?=\d{3}\b)/g, '');
}
