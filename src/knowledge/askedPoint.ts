/**
 * Finds the words of a question that name its asked point although no article uses them, and the words they are
 * phrased with. "How do I set the retry policy of a SharePoint connection?" asks about a retry policy: "retry" is in
 * no passage, and the section about data policies that shares "policy", "SharePoint" and "connection" with it does
 * not answer it. Coverage by such shared words says the section is about the same connector, not about the point.
 *
 * An unknown word is taken for the asked point when the question names it as a thing, in a noun phrase that a
 * determiner opens ("the", "a", "which", "my"…), rather than as padding ("confirm", "grabbed", "walk me through"):
 * - first or second in a phrase of several words: "the retry policy", "a proxy server", "which time zone", "an SSH
 *   key"; the phrase's known words then mean something else where the articles use them ("data policy", "SQL
 *   Server"), so they are its partners;
 * - alone before "of", "on" or "for": "the timeout of a SQL connection", "the degree of parallelism on the trigger".
 * A qualifier of a phrase the articles use ("the minimum security role", "a single connection reference") is not
 * the point: the articles use that term. The answerer (./answerer) weighs a point as rarer than any word the
 * articles use, does not count its partners as covered, and answers such a question only when the best section
 * still covers it well.
 */
import { isStopWord, processTerm, words } from './queryAnalysis';

export interface AskedPoint {
  /** Stemmed terms of unknown words that name the asked point. */
  point: Set<string>;
  /** Stemmed terms phrased with them: a passage that has these alone uses them in another sense. */
  partners: Set<string>;
}

/** Words that open a noun phrase: what follows them is a thing asked about. */
const DETERMINERS = new Set(['the', 'a', 'an', 'which', 'what', 'its', 'their', 'my', 'our', 'your']);
/** Words that tie an attribute to what it belongs to: "the timeout of", "the retry count for". */
const ATTRIBUTE_OF = new Set(['of', 'on', 'for']);

const isContent = (word: string): boolean => word.length >= 2 && !isStopWord(word) && processTerm(word) !== null;

/** How far into a noun phrase an unknown word may stand to count: "the retry policy", "which time zone". */
const PHRASE_REACH = 2;

/** Whether the articles use two terms as a phrase, one right after the other ("security role"). */
export type IsPhrase = (first: string, second: string) => boolean;

export function findAskedPoint(question: string, unknownTerms: readonly string[], isPhrase: IsPhrase): AskedPoint {
  const point = new Set<string>();
  const partners = new Set<string>();
  if (unknownTerms.length === 0) return { point, partners };
  const unknown = new Set(unknownTerms);
  // A phrase ends where the sentence or a quotation does: "…my account. Walk me through…" is two phrases.
  for (const clause of question.split(/[.,;:!?()"\u201c\u201d]|'\s|\s'/)) collect(words(clause), unknown, isPhrase, point, partners);
  return { point, partners };
}

function collect(
  tokens: string[],
  unknown: Set<string>,
  isPhrase: IsPhrase,
  point: Set<string>,
  partners: Set<string>,
): void {
  tokens.forEach((word, i) => {
    if (!DETERMINERS.has(word)) return;
    // The noun phrase the determiner opens: the content words that follow it without a function word between.
    let end = i + 1;
    while (end < tokens.length && isContent(tokens[end])) end++;
    const phrase = tokens.slice(i + 1, end);
    const attribute = phrase.length === 1 && ATTRIBUTE_OF.has(tokens[end] ?? '');
    if (phrase.length < 2 && !attribute) return;
    const terms = phrase.map((w) => processTerm(w)!);
    const asked = terms.slice(0, PHRASE_REACH).filter((t) => unknown.has(t));
    // "the minimum security role", "a single connection reference": a qualifier of a term the articles use.
    const qualifies = terms.some((t, k) => k > 0 && isPhrase(terms[k - 1], t));
    if (asked.length === 0 || qualifies) return;
    for (const t of asked) point.add(t);
    for (const t of terms) if (!unknown.has(t)) partners.add(t);
  });
}
