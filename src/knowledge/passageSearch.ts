/**
 * Passage search: MiniSearch over the knowledge base's passages (title, heading, synonyms/tags and text, with
 * boosts, fuzzy matching for typos and prefix search), answering with exactly MiniSearch's results — same
 * scores, same order — for less work per question.
 *
 * Why it is cheaper: MiniSearch scores a question term by term (its exact, prefix and fuzzy matches in the index)
 * and sums the terms' scores per passage. A term's matches depend only on the term and the articles, so for every
 * term the index itself holds they are computed once, when the index is built; a question whose words the
 * articles use is then a merge of a few short lists. A word the index has never seen (a typo, an everyday word)
 * is still searched live with fuzzy matching — that is where fuzzy matching is needed.
 */
import MiniSearch from 'minisearch';
import type { KnowledgeBase } from './knowledgeBase';
import { processTerm, words } from './queryAnalysis';

export interface PassageHit {
  /** Passage id. */
  id: string;
  score: number;
  /** Index terms that matched (after prefix and fuzzy matching): "conection" reads as "connection". */
  terms: string[];
  /** The question's terms that matched. */
  queryTerms: string[];
  /** Index term → fields it matched in. */
  match: Record<string, readonly string[]>;
}

export interface PassageSearch {
  search(query: string): PassageHit[];
}

interface IndexedPassage {
  id: string;
  title: string;
  heading: string;
  keywords: string;
  text: string;
}

/** One term's contribution to one passage, in the order MiniSearch adds passages to its results. */
interface TermMatch {
  id: string;
  score: number;
  match: Readonly<Record<string, readonly string[]>>;
}

/** The precomputed lists are shared by every search; frozen so that no caller can change them. */
const frozen = (match: Record<string, string[]>): TermMatch['match'] =>
  Object.freeze(Object.fromEntries(Object.entries(match).map(([term, fields]) => [term, Object.freeze([...fields])])));

const FIELDS = ['title', 'heading', 'keywords', 'text'] as const;

/** Markdown emphasis and list markers are not words; keep them out of the index. */
const plain = (markdown: string): string => markdown.replace(/[*_`>#]/g, ' ');

const termsOf = (text: string): string[] =>
  words(text)
    .map(processTerm)
    .filter((t): t is string => !!t);

function documents(kb: KnowledgeBase): IndexedPassage[] {
  return kb.passages.map((p) => {
    const article = kb.byArticle.get(p.articleId)!;
    return {
      id: p.id,
      title: article.title,
      heading: p.heading,
      keywords: [...article.synonyms, ...article.tags].join(' ; '),
      text: plain(p.text),
    };
  });
}

/**
 * The MiniSearch index and its search options. Fuzzy and prefix matching must depend on the term alone (not on
 * its position in the question): that is what lets one term's matches be computed on their own.
 */
export function buildIndex(kb: KnowledgeBase): MiniSearch<IndexedPassage> {
  const index = new MiniSearch<IndexedPassage>({
    fields: [...FIELDS],
    tokenize: (text) => words(text),
    processTerm,
    searchOptions: {
      boost: { heading: 2, title: 1.5, keywords: 1.5, text: 1 },
      fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
      prefix: (term) => term.length >= 4,
      combineWith: 'OR',
    },
  });
  index.addAll(documents(kb));
  return index;
}

/**
 * One term's matches as MiniSearch computes them inside a search. boostDocument (returning 1, so no score changes)
 * is called for every passage in the order MiniSearch adds it: keeping that order keeps ties in the same order.
 */
function matchTerm(index: MiniSearch<IndexedPassage>, term: string): TermMatch[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const hits = index.search(term, {
    tokenize: () => [term],
    processTerm: (t) => t,
    boostDocument: (id: string) => {
      if (!seen.has(id)) {
        seen.add(id);
        order.push(id);
      }
      return 1;
    },
  });
  const byId = new Map(hits.map((h) => [String(h.id), h]));
  return order.flatMap((id) => {
    const hit = byId.get(id);
    return hit ? [{ id, score: hit.score, match: frozen(hit.match as Record<string, string[]>) }] : [];
  });
}

export function createPassageSearch(kb: KnowledgeBase): PassageSearch {
  const index = buildIndex(kb);
  const vocabulary = new Set(documents(kb).flatMap((d) => FIELDS.flatMap((f) => termsOf(d[f]))));
  const known = new Map<string, TermMatch[]>();
  for (const term of vocabulary) known.set(term, matchTerm(index, term));

  return {
    search(query: string): PassageHit[] {
      // MiniSearch's OR: per passage, scores summed in the question's term order, terms and matches merged.
      const combined = new Map<string, { score: number; terms: string[]; match: Record<string, readonly string[]> }>();
      for (const term of termsOf(query)) {
        for (const m of known.get(term) ?? matchTerm(index, term)) {
          const existing = combined.get(m.id);
          if (!existing) {
            combined.set(m.id, { score: m.score, terms: [term], match: { ...m.match } });
          } else {
            existing.score = existing.score + m.score;
            Object.assign(existing.match, m.match);
            if (!existing.terms.includes(term)) existing.terms.push(term);
          }
        }
      }
      const hits: PassageHit[] = [];
      for (const [id, { score, terms, match }] of combined) {
        // MiniSearch favours passages that match more of the question's terms.
        hits.push({ id, score: score * (terms.length || 1), terms: Object.keys(match), queryTerms: terms, match });
      }
      return hits.sort((a, b) => b.score - a.score);
    },
  };
}
