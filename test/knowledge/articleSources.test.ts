/**
 * Every fact says where it comes from: each `## ` section of every article in knowledge/ ends with a line
 * `Sources: [Title](url); …`, and every url on it is one of the article's front-matter sources. The parser that
 * takes the line out of the passage (so the answer shows it once, as its sources) is checked here too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import matter from 'gray-matter';
import { defaultKnowledgeDir, loadKnowledgeBase, parseSourcesLine } from '../../src/knowledge';
import { parseArticle } from '../../src/knowledge/knowledgeBase';

const dir = defaultKnowledgeDir();
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.md'));

/** Each section's heading and its last non-blank line, read straight from the Markdown. */
function sectionEnds(body: string): { heading: string; last: string }[] {
  const out: { heading: string; lines: string[] }[] = [];
  for (const line of body.split('\n')) {
    const h = /^##\s+(.+?)\s*$/.exec(line);
    if (h) out.push({ heading: h[1], lines: [] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out.map((s) => ({ heading: s.heading, last: s.lines.filter((l) => l.trim()).pop() ?? '' }));
}

test.each(files)('every section of %s ends with a Sources line whose urls are in its front matter', (file) => {
  const parsed = matter(fs.readFileSync(path.join(dir, file), 'utf8'));
  const declared = new Set((parsed.data.sources as { url: string }[]).map((s) => s.url));
  const problems: string[] = [];
  for (const { heading, last } of sectionEnds(parsed.content)) {
    const sources = parseSourcesLine(last);
    if (sources.length === 0) problems.push(`"${heading}" has no Sources line`);
    for (const s of sources) if (!declared.has(s.url)) problems.push(`"${heading}" cites ${s.url}, missing from front matter`);
  }
  expect(problems).toEqual([]);
});

test('the Sources line becomes the passage sources and leaves its text', () => {
  const article = parseArticle(
    'x.md',
    [
      '---',
      'id: x',
      'title: X',
      'questions: [What?]',
      'sources:',
      '  - title: A',
      '    url: https://a.example/a',
      '  - title: B',
      '    url: https://b.example/b',
      '---',
      '## One',
      '',
      'Fact one.',
      '',
      'Sources: [A](https://a.example/a); [B](https://b.example/b)',
      '',
      '## Two',
      '',
      'Fact two, no sources.',
    ].join('\n'),
  );
  expect(article.passages[0]).toMatchObject({
    text: 'Fact one.',
    sources: [
      { title: 'A', url: 'https://a.example/a' },
      { title: 'B', url: 'https://b.example/b' },
    ],
  });
  expect(article.passages[1]).toMatchObject({ text: 'Fact two, no sources.', sources: [] });
});

test('a line that is not a Sources line yields no sources', () => {
  expect(parseSourcesLine('Sources are listed below.')).toEqual([]);
  expect(parseSourcesLine('See [A](https://a.example/a)')).toEqual([]);
});

test('no passage of the knowledge base shows its Sources line as text', () => {
  for (const p of loadKnowledgeBase().passages) expect(p.text).not.toMatch(/^Sources:/m);
});
