/**
 * Turns the model's own answer into a grounded answer, or refuses it. The answer must cite at least one of the
 * passages it was shown ([1], [doc2], [1, 3]) and may link only to their sources; otherwise it is not grounded and
 * the turn goes back to the local planner. The citation markers are removed from the text because the answer
 * card lists the cited sources itself.
 */
import type { KnowledgeAnswerLike, KnowledgeSource } from './knowledgeDataSource';

const MAX_ANSWER_CHARS = 2000;
const CITATION = /\[\s*(?:doc)?\s*(\d+(?:\s*,\s*(?:doc)?\s*\d+)*)\s*\]/gi;
const URL = /https?:\/\/[^\s)<>\]"']+/gi;

export type Grounding<A extends KnowledgeAnswerLike> = { ok: true; answer: A } | { ok: false; problem: string };

export function groundAnswer<A extends KnowledgeAnswerLike>(text: string, passages: A[]): Grounding<A> {
  const cited = new Set<number>();
  for (const match of text.matchAll(CITATION)) {
    for (const n of match[1].split(',')) {
      const index = Number(n.replace(/doc/i, '').trim()) - 1;
      if (index >= 0 && index < passages.length) cited.add(index);
    }
  }
  if (cited.size === 0) {
    return { ok: false, problem: passages.length ? 'answer cites none of the passages' : 'no passages to ground on' };
  }
  const allowed = new Set(passages.flatMap((p) => p.sources.map((s) => s.url.replace(/\/+$/, ''))));
  const foreign = [...text.matchAll(URL)].map((m) => m[0].replace(/[.,;:]+$/, '').replace(/\/+$/, ''));
  if (foreign.some((url) => !allowed.has(url))) return { ok: false, problem: 'answer links outside its sources' };

  const body = text
    .replace(CITATION, '')
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  if (!body) return { ok: false, problem: 'answer is empty once citations are removed' };

  const citedPassages = [...cited].sort((a, b) => a - b).map((i) => passages[i]);
  const sources: KnowledgeSource[] = [];
  for (const source of citedPassages.flatMap((p) => p.sources)) {
    if (!sources.some((s) => s.url === source.url)) sources.push(source);
  }
  const first = citedPassages[0];
  return {
    ok: true,
    answer: {
      ...first,
      confident: true,
      passage: body.length > MAX_ANSWER_CHARS ? `${body.slice(0, MAX_ANSWER_CHARS - 1)}…` : body,
      sources,
    },
  };
}
