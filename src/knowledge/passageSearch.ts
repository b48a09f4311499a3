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
import { searchableText } from './searchableText';

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
  /** The passage's position in the index, to merge a question's terms without a lookup by id. */
  doc: number;
  score: number;
  match: Readonly<Record<string, readonly string[]>>;
}

/** The precomputed lists are shared by every search; frozen so that no caller can change them. */
const frozen = (match: Record<string, string[]>): TermMatch['match'] =>
  Object.freeze(Object.fromEntries(Object.entries(match).map(([term, fields]) => [term, Object.freeze([...fields])])));

/** A question's terms, each with its matches: shared by the question's hits, which look their details up here. */
interface QuestionTerms {
  terms: string[];
  lists: TermMatch[][];
}

/**
 * A passage's score for one question. Which terms matched is only worked out when asked (the answerer asks for the
 * best passage alone): a question touches most passages, and building every passage's match lists was most of the
 * garbage a search left behind.
 */
export class PassageHit {
  constructor(
    readonly id: string,
    public score: number,
    private readonly doc: number,
    private readonly question: QuestionTerms,
  ) {}

  /** The question's terms that matched. */
  get queryTerms(): string[] {
    const out: string[] = [];
    const { terms, lists } = this.question;
    for (let i = 0; i < terms.length; i++) {
      if (!out.includes(terms[i]) && lists[i].some((m) => m.doc === this.doc)) out.push(terms[i]);
    }
    return out;
  }

  /** Index term → fields it matched in; MiniSearch merges the terms' matches in order, later ones winning. */
  get match(): Record<string, readonly string[]> {
    const match: Record<string, readonly string[]> = {};
    for (const list of this.question.lists) Object.assign(match, list.find((m) => m.doc === this.doc)?.match);
    return match;
  }

  /** The question's terms that matched no passage at all, even by prefix or fuzzy matching: the articles never use them. */
  get unknownTerms(): string[] {
    const { terms, lists } = this.question;
    return terms.filter((t, i) => lists[i].length === 0);
  }

  /** Index terms that matched (after prefix and fuzzy matching): "conection" reads as "connection". */
  get terms(): string[] {
    return Object.keys(this.match);
  }
}

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
      text: plain(searchableText(p.text)),
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
function matchTerm(index: MiniSearch<IndexedPassage>, ordinal: Map<string, number>, term: string): TermMatch[] {
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
    return hit
      ? [{ id, doc: ordinal.get(id)!, score: hit.score, match: frozen(hit.match as Record<string, string[]>) }]
      : [];
  });
}

const byScore = (a: PassageHit, b: PassageHit): number => b.score - a.score;

export function createPassageSearch(kb: KnowledgeBase): PassageSearch {
  const index = buildIndex(kb);
  const ordinal = new Map(kb.passages.map((p, i) => [p.id, i]));
  const vocabulary = new Set(documents(kb).flatMap((d) => FIELDS.flatMap((f) => termsOf(d[f]))));
  const known = new Map<string, TermMatch[]>();
  for (const term of vocabulary) known.set(term, matchTerm(index, ordinal, term));

  return {
    search(query: string): PassageHit[] {
      const terms = termsOf(query);
      const question: QuestionTerms = { terms, lists: terms.map((t) => known.get(t) ?? matchTerm(index, ordinal, t)) };
      // MiniSearch's OR: per passage, the terms' scores summed in the question's order…
      const byDoc: (PassageHit | undefined)[] = new Array(ordinal.size);
      const distinct: number[] = new Array(ordinal.size).fill(0);
      const hits: PassageHit[] = [];
      for (let i = 0; i < terms.length; i++) {
        // A repeated term adds its score again but is one matched term (its list is the same as the first time).
        const repeated = terms.indexOf(terms[i]) < i;
        for (const m of question.lists[i]) {
          const hit = byDoc[m.doc];
          if (!hit) {
            byDoc[m.doc] = new PassageHit(m.id, m.score, m.doc, question);
            hits.push(byDoc[m.doc]!);
          } else {
            hit.score = hit.score + m.score;
          }
          if (!repeated) distinct[m.doc]++;
        }
      }
      // …times the number of the question's terms it matched.
      for (const hit of hits) hit.score = hit.score * (distinct[ordinal.get(hit.id)!] || 1);
      return hits.sort(byScore);
    },
  };
}
