/**
 * The local answerer: a passage search (./passageSearch: MiniSearch with boosts, fuzzy matching for typos and
 * prefix search) over the knowledge base, after the question's abbreviations are expanded.
 * It answers with the best passage, led by the sentence(s) that answer the question (./answerComposer), with the
 * sources named by the shown sections, related questions and tenant actions; or it says it is not sure, naming
 * the nearest topics when the question is about connections but no article covers the point.
 *
 * Confidence is not MiniSearch's raw score alone (BM25 scores grow with query length): it also needs the best
 * passage to cover most of what the question is about, each concept weighted by how rare it is in the knowledge
 * base, with words the knowledge base has never seen weighing the most. "Who won the football match" then scores
 * near zero coverage, while "conection refrence naming" still covers everything through fuzzy matching. A word no
 * article uses that the question names as its point ("the retry policy of a SharePoint connection", ./askedPoint)
 * weighs the most, and the words phrased with it ("policy") do not count as covered where they stand alone.
 */
import { composeAnswer, type WeightedConcept } from './answerComposer';
import { findAskedPoint } from './askedPoint';
import { loadKnowledgeBase, type KnowledgeBase, type Passage, type Source, type SuggestedAction } from './knowledgeBase';
import { isOutOfScope } from './outOfScope';
import { createPassageSearch, type PassageHit } from './passageSearch';
import { analyseQuestion, isDomainTerm, processTerm, words } from './queryAnalysis';
import { searchableText } from './searchableText';

export interface KnowledgeAnswer {
  /** false → the bot says it is not sure and lists what it can help with. */
  confident: boolean;
  articleId?: string;
  title?: string;
  /** The section heading of the (first) passage. */
  heading?: string;
  /**
   * The answer's text: the lead (the sentences that answer the question), then the rest of the best passage;
   * two sections of the same article are joined when both answer the question.
   */
  passage?: string;
  /** The sentence(s) that answer the question, also the first paragraph of `passage`. */
  lead?: string;
  /** The pages behind the shown sections (their Sources lines), else the article's. */
  sources: Source[];
  /** When not sure but the question is about our subject: the nearest articles' questions, to offer instead. */
  nearest: { title: string; question: string }[];
  /** Follow-up questions for buttons, from other articles' `questions`. */
  related: string[];
  suggestedActions: SuggestedAction[];
  /** The best passage's search score (0 when nothing matched). */
  score: number;
  /** Share of the question's concepts, weighted by rarity, that the best passage covers (0..1). */
  coverage: number;
}

export interface Answerer {
  answer(question: string): KnowledgeAnswer;
}

export interface AnswererOptions {
  /** Minimum search score of the best passage. */
  minScore?: number;
  /** Minimum weighted share of the question's concepts that the best passage must cover. */
  minCoverage?: number;
  /** How many related questions to offer. */
  relatedCount?: number;
  /**
   * The share of passages an unknown word is weighted as if it appeared in (higher → unknown words count less). A
   * share, not a count, so that adding articles does not make every unknown word weigh more than the words it knows.
   */
  unknownWordShare?: number;
  /** A second passage of the same article is joined when its score is at least this share of the best one's. */
  joinRatio?: number;
  /**
   * A weakly covered question (coverage below `sureCoverage`) is answered only when the lead sentence(s) mention at
   * least this weighted share of its concepts; otherwise the section is near the topic but not on the asked point.
   */
  minLeadCoverage?: number;
  /** Coverage from which the best section is trusted whatever its lead sentence says. */
  sureCoverage?: number;
}

const DEFAULTS: Required<AnswererOptions> = {
  minScore: 6,
  minCoverage: 0.3,
  relatedCount: 3,
  unknownWordShare: 0.075,
  joinRatio: 0.6,
  minLeadCoverage: 0.15,
  sureCoverage: 0.5,
};

export function createAnswerer(kb: KnowledgeBase = loadKnowledgeBase(), options: AnswererOptions = {}): Answerer {
  const settings = { ...DEFAULTS, ...options };
  const passages = new Map(kb.passages.map((p) => [p.id, p]));

  const index = createPassageSearch(kb);

  // Document frequency of each stemmed term over passages, for weighting the question's concepts.
  const documentFrequency = new Map<string, number>();
  for (const p of kb.passages) {
    const article = kb.byArticle.get(p.articleId)!;
    const terms = new Set(
      words([article.title, p.heading, ...article.synonyms, ...article.tags, searchableText(p.text)].join(' '))
        .map(processTerm)
        .filter((t): t is string => t !== null),
    );
    for (const t of terms) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
  }
  // Pairs of terms the articles use one after the other ("security role"), to tell a qualifier from an asked point.
  const phrases = new Set<string>();
  for (const p of kb.passages) {
    for (const text of [p.heading, searchableText(p.text)]) {
      const terms = words(text)
        .map(processTerm)
        .filter((t): t is string => t !== null);
      for (let i = 1; i < terms.length; i++) phrases.add(`${terms[i - 1]} ${terms[i]}`);
    }
  }
  const isPhrase = (first: string, second: string): boolean => phrases.has(`${first} ${second}`);
  const total = kb.passages.length;
  // A word the articles never use weighs like a rare one, not more: makers pad questions with everyday words.
  const unknownWeight = Math.log(1 + 1 / settings.unknownWordShare);
  // …unless it names the asked point (./askedPoint): then it is rarer than anything the articles say.
  const pointWeight = Math.log(1 + total);
  const weightOf = (term: string): number => {
    const df = documentFrequency.get(term);
    return df ? Math.log(1 + total / df) : unknownWeight;
  };

  const allQuestions = kb.articles.flatMap((a) => a.questions.map((q) => ({ articleId: a.id, question: q })));

  function relatedQuestions(question: string, ranked: PassageHit[], excludeArticle?: string): string[] {
    const asked = question.trim().toLowerCase();
    const seen = new Set<string>(excludeArticle ? [excludeArticle] : []);
    const picked: string[] = [];
    const take = (articleId: string) => {
      if (seen.has(articleId) || picked.length >= settings.relatedCount) return;
      seen.add(articleId);
      const q = kb.byArticle.get(articleId)?.questions.find((x) => x.toLowerCase() !== asked);
      if (q) picked.push(q);
    };
    for (const r of ranked) take(passages.get(String(r.id))!.articleId);
    for (const { articleId } of allQuestions) take(articleId);
    return picked;
  }

  const notSure = (score: number, coverage: number, nearest: KnowledgeAnswer['nearest'] = []): KnowledgeAnswer => ({
    confident: false,
    sources: [],
    nearest,
    related: [],
    suggestedActions: [],
    score,
    coverage,
  });

  /** The best-ranked articles' first questions: the nearest topics to a question no article answers. */
  function nearestTopics(ranked: PassageHit[]): KnowledgeAnswer['nearest'] {
    const seen = new Set<string>();
    const out: KnowledgeAnswer['nearest'] = [];
    for (const r of ranked) {
      const article = kb.byArticle.get(passages.get(String(r.id))!.articleId)!;
      if (seen.has(article.id)) continue;
      seen.add(article.id);
      out.push({ title: article.title, question: article.questions[0] });
      if (out.length >= settings.relatedCount) break;
    }
    return out;
  }

  return {
    answer(question: string): KnowledgeAnswer {
      const analysed = analyseQuestion(question);
      if (analysed.concepts.length === 0) return notSure(0, 0);
      const ranked = index.search(analysed.words.join(' '));
      const best = ranked[0];
      if (!best) return notSure(0, 0);

      const matched = new Set(best.queryTerms);
      const { point, partners } = findAskedPoint(question, best.unknownTerms, isPhrase);
      let covered = 0;
      let wanted = 0;
      const weighted: WeightedConcept[] = [];
      for (const concept of analysed.concepts) {
        const terms = concept.words.map(processTerm).filter((t): t is string => t !== null);
        if (terms.length === 0) continue;
        const weight = terms.some((t) => point.has(t)) ? pointWeight : Math.max(...terms.map(weightOf));
        weighted.push({ terms, weight });
        wanted += weight;
        // A word phrased with the unknown point ("retry policy") found alone means something else in the passage.
        // A concept is one meaning: "maximum" read as limit/maximum is phrased with the point whichever word matched.
        if (!terms.some((t) => partners.has(t)) && terms.some((t) => matched.has(t))) covered += weight;
      }
      const coverage = wanted > 0 ? covered / wanted : 0;
      // Matched index terms, not query terms: "conection" counts once fuzzy matching has read it as "connection".
      const onTopic = best.terms.some(isDomainTerm);
      if (isOutOfScope(question) || !onTopic) return notSure(best.score, coverage);
      if (best.score < settings.minScore || coverage < settings.minCoverage) {
        // About our subject, but no section covers the point: say so and offer the nearest topics.
        return notSure(best.score, coverage, nearestTopics(ranked));
      }

      const top = passages.get(String(best.id))!;
      const article = kb.byArticle.get(top.articleId)!;
      const companion = ranked
        .slice(1, 3)
        .map((r) => ({ r, p: passages.get(String(r.id))! }))
        .find(({ r, p }) => p.articleId === top.articleId && r.score >= best.score * settings.joinRatio);
      // The best passage leads; a close second from the same article follows under its own heading.
      const shown: Passage[] = companion ? [top, companion.p] : [top];
      // The lead comes from the best section only; a companion section follows whole, under its heading.
      const { lead, body, leadWeight } = composeAnswer(top.text, weighted);
      // A weakly covered question is answered only when the lead says its point; a point no article names can't be.
      if (coverage < settings.sureCoverage && (point.size > 0 || leadWeight / wanted < settings.minLeadCoverage)) {
        return notSure(best.score, coverage, nearestTopics(ranked));
      }
      const passage = [lead, body, ...(companion ? [`**${companion.p.heading}**\n\n${companion.p.text}`] : [])]
        .filter(Boolean)
        .join('\n\n');
      const sources = uniqueSources(shown.flatMap((p) => p.sources));

      return {
        confident: true,
        articleId: article.id,
        title: article.title,
        heading: top.heading,
        passage,
        ...(lead ? { lead } : {}),
        sources: sources.length > 0 ? sources : article.sources,
        nearest: [],
        related: relatedQuestions(question, ranked, article.id),
        suggestedActions: article.actions,
        score: best.score,
        coverage,
      };
    },
  };
}

/** Sources in order of first mention, each page once. */
function uniqueSources(sources: Source[]): Source[] {
  const seen = new Set<string>();
  const out: Source[] = [];
  for (const source of sources) {
    if (seen.has(source.url)) continue;
    seen.add(source.url);
    out.push(source);
  }
  return out;
}
