/**
 * Turns the model's own answer into a grounded, cited answer, or refuses it (the turn then shows the curated
 * article instead). The answer must cite at least one of the passages it was shown ([1], [doc2], [1, 3]); every
 * number, price, date and name it states must be in the passages it cites (llmFacts); only links to the cited
 * passages' sources are kept (llmLinks). The citation markers stay in the text, renumbered 1…n in order of the
 * cited passages, because Teams shows in-text citations from exactly these markers.
 */
import { unsupportedFacts, supportFrom } from './llmFacts';
import { keepOnlyLinksTo, normalizeUrl, splitSentences, withoutLinks } from './llmLinks';
import type { KnowledgeAnswerLike } from './knowledgeDataSource';

const MAX_ANSWER_CHARS = 2000;
/** Teams shows at most this much of a citation's abstract. */
const MAX_ABSTRACT_CHARS = 160;
const CITATION = /\[\s*(?:doc)?\s*(\d+(?:\s*,\s*(?:doc)?\s*\d+)*)\s*\]/gi;

/** One in-text citation, in the order Teams numbers them. */
export interface AnswerCitation {
  position: number;
  title: string;
  url?: string;
  abstract: string;
}

export type Grounding = { ok: true; text: string; citations: AnswerCitation[] } | { ok: false; problem: string };

export function groundAnswer(text: string, passages: KnowledgeAnswerLike[]): Grounding {
  const citedIndexes = new Set<number>();
  for (const match of text.matchAll(CITATION)) {
    for (const index of markerIndexes(match[1])) if (index >= 0 && index < passages.length) citedIndexes.add(index);
  }
  if (citedIndexes.size === 0) {
    return { ok: false, problem: passages.length ? 'answer cites none of the passages' : 'no passages to ground on' };
  }
  const order = [...citedIndexes].sort((a, b) => a - b);
  const positionOf = new Map(order.map((index, i) => [index, i + 1]));
  const cited = order.map((i) => passages[i]);

  // Markers for passages that were not shown are dropped; the others renumbered 1…n.
  const renumbered = text.replace(CITATION, (_whole, list: string) =>
    [...new Set(markerIndexes(list))]
      .filter((i) => positionOf.has(i))
      .map((i) => `[${positionOf.get(i)}]`)
      .join(''),
  );

  const allowed = new Set(cited.flatMap((p) => p.sources.map((s) => normalizeUrl(s.url))));
  const linked = keepOnlyLinksTo(renumbered, allowed);
  const body = tidy(linked.text);

  // The links left are the cited sources themselves; the facts are checked in the words around them.
  const support = supportFrom(cited.flatMap((p) => [p.title ?? '', p.passage ?? '', ...p.sources.map((s) => s.title)]));
  for (const sentence of splitSentences(withoutLinks(body).replace(/\[\d+\]/g, ''))) {
    const missing = unsupportedFacts(sentence, support);
    if (missing.length) {
      return { ok: false, problem: `answer states what its passages do not: ${missing.slice(0, 5).join(', ')}` };
    }
  }
  if (!/\[\d+\]/.test(body)) {
    return { ok: false, problem: 'answer has no cited sentence left once foreign links are removed' };
  }
  if (body.length > MAX_ANSWER_CHARS) return { ok: false, problem: 'answer is too long' };

  return {
    ok: true,
    text: body,
    citations: cited.map((p, i) => ({
      position: i + 1,
      title: (p.title || p.sources[0]?.title || `Source ${i + 1}`).slice(0, 80),
      url: p.sources[0]?.url,
      abstract: snippet(p.passage ?? '', MAX_ABSTRACT_CHARS),
    })),
  };
}

function markerIndexes(list: string): number[] {
  return list.split(',').map((n) => Number(n.replace(/doc/i, '').trim()) - 1);
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
