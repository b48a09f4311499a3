/**
 * The articles in knowledge/ load, carry valid front matter (sources with URLs, questions, known actions) and
 * split into self-contained passages; malformed articles are refused with the file named.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KnowledgeBaseError, loadKnowledgeBase } from '../../src/knowledge';
import { ARTICLES } from '../../src/connections/findings/articles';

const kb = loadKnowledgeBase();

test('every article has sources with https URLs, 3 to 6 questions and at least two passages', () => {
  expect(kb.articles.length).toBeGreaterThanOrEqual(10);
  for (const article of kb.articles) {
    expect(article.sources.length).toBeGreaterThan(0);
    for (const source of article.sources) expect(source.url).toMatch(/^https:\/\/[^\s]+$/);
    expect(article.questions.length).toBeGreaterThanOrEqual(3);
    expect(article.questions.length).toBeLessThanOrEqual(6);
    expect(article.passages.length).toBeGreaterThanOrEqual(2);
  }
});

test('passages are short self-contained sections', () => {
  for (const passage of kb.passages) {
    expect(passage.heading.length).toBeGreaterThan(5);
    expect(passage.text.length).toBeGreaterThan(80);
    expect(passage.text.length).toBeLessThan(1600);
    expect(passage.text).not.toMatch(/^## /m);
  }
});

test('every article the governance findings link to exists', () => {
  for (const id of Object.values(ARTICLES)) expect(kb.byArticle.has(id)).toBe(true);
});

describe('refuses malformed articles, naming the file', () => {
  const write = (name: string, text: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-'));
    fs.writeFileSync(path.join(dir, name), text);
    return dir;
  };

  test('an article without sources', () => {
    const dir = write('no-sources.md', '---\nid: no-sources\ntitle: T\nquestions: [Q?]\n---\n## H\nText.\n');
    expect(() => loadKnowledgeBase(dir)).toThrow(KnowledgeBaseError);
    expect(() => loadKnowledgeBase(dir)).toThrow(/no-sources\.md.*sources/);
  });

  test('a source without a URL', () => {
    const dir = write(
      'bad-url.md',
      '---\nid: bad-url\ntitle: T\nquestions: [Q?]\nsources:\n  - title: S\n    url: not a url\n---\n## H\nText.\n',
    );
    expect(() => loadKnowledgeBase(dir)).toThrow(/bad-url\.md.*url/);
  });

  test('unreadable YAML', () => {
    const dir = write('broken.md', '---\nid: broken\ntitle: a: b: c\n---\n## H\nText.\n');
    expect(() => loadKnowledgeBase(dir)).toThrow(/broken\.md/);
  });

  test('an id that differs from the file name', () => {
    const dir = write(
      'one.md',
      '---\nid: two\ntitle: T\nquestions: [Q?]\nsources:\n  - title: S\n    url: https://example.com/s\n---\n## H\nText.\n',
    );
    expect(() => loadKnowledgeBase(dir)).toThrow(/one\.md.*two\.md/);
  });
});
