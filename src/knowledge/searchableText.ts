/**
 * The words of a passage that say what it is about. Every section ends with a "Sources: [Title](url)" line; the
 * titles of the pages cited ("Use a connection reference in a solution", "Automate connection references and
 * environment variables…") are not the section's subject, and indexing them made every section of an article look
 * like it answered questions about connection references. The line is still shown with the answer.
 */
const SOURCES_LINE = /^\s*Sources?:.*$/gim;

export function searchableText(passageText: string): string {
  return passageText.replace(SOURCES_LINE, ' ');
}
