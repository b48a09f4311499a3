/**
 * The one place that decides which tenant thing a typed name means, for every request: the message-level index
 * (NameIndex) finds names inside sentences; these resolve the name a request carries against the caller's
 * candidates when the request runs.
 * - resolveByName: "the weekly report flow", "wekly reprot", "lunch" → one item, several (a picker), or none with
 *   the closest names as suggestions (exact first, then MiniSearch with prefix and fuzzy matching).
 * - matchScore / bestMatches: several ways of naming one thing (display name, UPN, id, connector) scored at once;
 *   case, punctuation and word order do not matter and a word may be a prefix; ties are reported, not guessed.
 */
import MiniSearch from 'minisearch';

export type Resolution<T> =
  { kind: 'one'; item: T } | { kind: 'many'; items: T[] } | { kind: 'none'; suggestions: string[] };

const FILLER = new Set(['the', 'my', 'our', 'a', 'an', 'flow', 'flows', 'solution', 'called', 'named', 'cloud']);
const MAX_CHOICES = 8;

export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[“”"'‘’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((w) => w && !FILLER.has(w))
    .join(' ');
}

function bigrams(text: string): string[] {
  const compact = ` ${text} `;
  const out: string[] = [];
  for (let i = 0; i < compact.length - 1; i++) out.push(compact.slice(i, i + 2));
  return out;
}

/** Dice coefficient over character bigrams: 1 = same, 0 = nothing in common. */
export function similarity(a: string, b: string): number {
  const x = bigrams(normalizeName(a));
  const y = bigrams(normalizeName(b));
  if (!x.length || !y.length) return 0;
  const counts = new Map<string, number>();
  for (const g of x) counts.set(g, (counts.get(g) ?? 0) + 1);
  let common = 0;
  for (const g of y) {
    const n = counts.get(g) ?? 0;
    if (n > 0) {
      common++;
      counts.set(g, n - 1);
    }
  }
  return (2 * common) / (x.length + y.length);
}

/** The closest names to `query` (distinct, best first), for "did you mean…". */
export function closestNames(query: string, names: string[], max = 3): string[] {
  return [...new Set(names)]
    .map((name) => ({ name, score: similarity(query, name) }))
    .filter((x) => x.score >= 0.25)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((x) => x.name);
}

export function resolveByName<T>(query: string, items: T[], nameOf: (item: T) => string): Resolution<T> {
  return new NameIndex(items, nameOf).resolve(query);
}

/**
 * resolveByName over a list that is searched many times (the tenant index's flows): names are normalised and the
 * search index is built once, on the first search that needs it, instead of at every turn.
 */
export class NameIndex<T> {
  private readonly names: string[];
  private normalized?: Map<string, T[]>;
  private search?: MiniSearch<{ id: number; name: string }>;

  constructor(
    private readonly items: T[],
    private readonly nameOf: (item: T) => string,
  ) {
    this.names = items.map(nameOf);
  }

  /** `suggest: false` when the caller suggests from a list of its own (closest names cost a pass over all). */
  resolve(query: string, options: { suggest?: boolean } = {}): Resolution<T> {
    const { items, names, nameOf } = this;
    const suggestions = () => (options.suggest === false ? [] : closestNames(query, names));
    const wanted = normalizeName(query);
    if (!wanted) return { kind: 'none', suggestions: suggestions() };

    if (!this.normalized) {
      this.normalized = new Map();
      items.forEach((item, i) => {
        const key = normalizeName(names[i]);
        const list = this.normalized!.get(key);
        if (list) list.push(item);
        else this.normalized!.set(key, [item]);
      });
    }
    const exact = this.normalized.get(wanted) ?? [];
    if (exact.length === 1) return { kind: 'one', item: exact[0] };
    if (exact.length > 1) return { kind: 'many', items: exact.slice(0, MAX_CHOICES) };

    if (!this.search) {
      this.search = new MiniSearch<{ id: number; name: string }>({
        fields: ['name'],
        storeFields: [],
        processTerm: (term) => normalizeName(term) || null,
      });
      this.search.addAll(names.map((name, id) => ({ id, name })));
    }
    const index = this.search;
    const search = (combineWith: 'AND' | 'OR') =>
      index.search(wanted, { prefix: true, fuzzy: 0.34, combineWith, boost: { name: 1 } });
    let hits = search('AND');
    if (!hits.length) hits = search('OR').filter((hit) => similarity(wanted, names[hit.id as number]) >= 0.4);
    if (!hits.length) return { kind: 'none', suggestions: suggestions() };

    const top = hits[0].score;
    const close = hits.filter((hit) => hit.score >= top * 0.75).map((hit) => items[hit.id as number]);
    if (close.length === 1) return { kind: 'one', item: close[0] };
    // Same name in several environments is the common ambiguity; a clear best by spelling settles the rest.
    const bySpelling = close
      .map((item) => ({ item, score: similarity(wanted, nameOf(item)) }))
      .sort((a, b) => b.score - a.score);
    if (bySpelling.length > 1 && bySpelling[0].score >= 0.8 && bySpelling[0].score - bySpelling[1].score >= 0.25) {
      return { kind: 'one', item: bySpelling[0].item };
    }
    return { kind: 'many', items: close.slice(0, MAX_CHOICES) };
  }
}

/** Words of a name or query for matchScore: ids and UPNs keep their dots and @. */
const matchWords = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9@.]+/g, ' ')
    .split(' ')
    .filter((w) => w.length > 0);

/** 0 = no match; higher = better. Exact (normalized) equality wins over all-words-present over prefixes. */
export function matchScore(query: string, ...candidates: (string | undefined)[]): number {
  const q = matchWords(query);
  if (!q.length) return 0;
  let best = 0;
  for (const candidate of candidates) {
    if (!candidate) continue;
    const c = matchWords(candidate);
    if (c.join(' ') === q.join(' ')) return 100;
    const compactQ = q.join('');
    const compactC = c.join('');
    if (compactC === compactQ) best = Math.max(best, 90);
    const hits = q.filter((w) => c.some((cw) => cw === w || cw.startsWith(w)));
    if (hits.length === q.length) best = Math.max(best, 50 + Math.min(40, (q.length / c.length) * 40));
    else if (compactC.includes(compactQ)) best = Math.max(best, 40);
  }
  return best;
}

/** The best-scoring items; several when they tie (the caller asks which one). */
export function bestMatches<T>(items: T[], score: (item: T) => number): T[] {
  const scored = items.map((item) => ({ item, s: score(item) })).filter((x) => x.s > 0);
  if (!scored.length) return [];
  const top = Math.max(...scored.map((x) => x.s));
  return scored.filter((x) => x.s === top).map((x) => x.item);
}
