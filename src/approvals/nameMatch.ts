/**
 * Tolerant matching of the names people type ("outlook", "DEV", "Adele", "d365 app registration") against
 * display names, ids and UPNs: case, punctuation and word order do not matter, a word may be a prefix.
 */

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9@.]+/g, ' ')
    .split(' ')
    .filter((w) => w.length > 0);

/** 0 = no match; higher = better. Exact (normalized) equality wins over all-words-present over prefixes. */
export function matchScore(query: string, ...candidates: (string | undefined)[]): number {
  const q = words(query);
  if (!q.length) return 0;
  let best = 0;
  for (const candidate of candidates) {
    if (!candidate) continue;
    const c = words(candidate);
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
