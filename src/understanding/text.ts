/**
 * How a message is cut into words for understanding: the same cutting is used for the tenant's names and for what
 * people type, so "D365-App-Registration", "d365 app registration" and "CoE-Sync-SP's" meet on the same words.
 */

export interface Word {
  /** Lower case, no punctuation, possessive "'s" removed. */
  text: string;
  /** As typed (for "is it capitalised?": a first name alone only counts when written like one). */
  raw: string;
  start: number;
  end: number;
}

/** Teams mentions, curly quotes and runs of spaces: what a message carries that is not what the person said. */
export function cleanMessage(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

const WORD = /[\p{L}\p{N}]+(?:['][\p{L}]+)?/gu;

export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    // "SP's" → "sp", "Gu's" → "gu"; "don't" stays "don't" (a negation, not a possessive).
    const lower = raw.toLowerCase();
    const text = /'s$/.test(lower) ? lower.slice(0, -2) : lower;
    out.push({ text, raw, start: match.index ?? 0, end: (match.index ?? 0) + raw.length });
  }
  return out;
}

/** A name as words: "Lunch order - create and store document" → ["lunch","order","create","and","store","document"]. */
export function nameWords(name: string): string[] {
  return words(name).map((w) => w.text);
}

/** Optimal string alignment distance (edits and swaps of neighbours), stopping early above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length][b.length];
}
