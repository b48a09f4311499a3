/**
 * Links in model-written text. Only a link whose URL is exactly one of the answer's cited sources is kept: a
 * prompt-injected passage or question can ask the model for a phishing link, and Teams turns far more than
 * http(s) URLs into links — scheme-relative ones (//host/path), www.host and bare host names too. A markdown
 * link to anywhere else keeps only its label; a sentence carrying any other foreign link is dropped.
 */

/** [label](url "title"), the URL with at most one level of parentheses inside, as markdown allows. */
const MARKDOWN_LINK = /\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+["'][^"'\n]*["'])?\s*\)/g;
/** Anything Teams or a markdown renderer may turn into a link, most specific first. */
const LINK_LIKE = new RegExp(
  [
    String.raw`[a-z][a-z0-9+.-]*:\/\/[^\s<>()\]"']+`, // scheme://…
    String.raw`(?:mailto|javascript|data|file|tel|ms-[a-z-]+):[^\s<>()\]"']+`, // scheme:… without slashes
    String.raw`(?<![\w:/])\/\/[^\s/<>()\]"']+[^\s<>()\]"']*`, // //host/…
    String.raw`\bwww\.[^\s<>()\]"']+`, // www.host…
    String.raw`\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:\/[^\s<>()\]"']*)?`, // host.tld/…
  ].join('|'),
  'gi',
);

export function normalizeUrl(url: string): string {
  return url.replace(/[.,;:!?]+$/, '').replace(/\/+$/, '');
}

export interface LinkFilter {
  text: string;
  /** How many links were removed (markdown links reduced to their label, sentences dropped). */
  removed: number;
}

/** Keeps links to `allowed` URLs; see the header for what happens to the others. */
export function keepOnlyLinksTo(text: string, allowed: Set<string>): LinkFilter {
  let removed = 0;
  const isAllowed = (url: string) => allowed.has(normalizeUrl(url));
  const kept: string[] = [];
  const placeholders: string[] = [];
  // Allowed markdown links are set aside so that their URL is not seen as a bare link below.
  const withoutMarkdown = text.replace(MARKDOWN_LINK, (_whole, label: string, url: string) => {
    if (isAllowed(url)) {
      placeholders.push(`[${label}](${url})`);
      return `\u0000${placeholders.length - 1}\u0000`;
    }
    removed++;
    return label;
  });
  for (const sentence of splitSentences(withoutMarkdown)) {
    const foreign = [...sentence.matchAll(LINK_LIKE)].some((m) => !isAllowed(m[0]));
    if (foreign) removed++;
    else kept.push(sentence);
  }
  const restored = kept.join('').replace(/\u0000(\d+)\u0000/g, (_w, i: string) => placeholders[Number(i)]);
  return { text: restored.trim(), removed };
}

/** Sentences with their trailing whitespace, so that joining them gives back the text. */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?]\s+|\n)(?=\S)/).filter((s) => s !== '');
}

/** The text with every link replaced by a blank (a markdown link by its label). */
export function withoutLinks(text: string): string {
  return text.replace(MARKDOWN_LINK, (_whole, label: string) => label).replace(LINK_LIKE, ' ');
}
