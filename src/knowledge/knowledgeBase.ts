/**
 * The knowledge base: knowledge/*.md articles (YAML front matter + Markdown) parsed once and split into passages,
 * one per `##` section, because retrieval answers with a passage, not a whole article.
 *
 * Every section ends with a line `Sources: [Title](url); [Title](url)` saying where its facts come from. That line
 * is taken out of the passage's text (the answer shows it as the answer's sources, not twice) and kept as the
 * passage's own sources, so an answer cites the pages behind the section it shows, not every page of the article.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import { BotError } from '../tenant/errors';

export const SUGGESTED_ACTIONS = ['showMyConnections', 'diagnoseFlow', 'expiringSecrets', 'healthReport'] as const;
export type SuggestedAction = (typeof SUGGESTED_ACTIONS)[number];

const frontMatterSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'ids are kebab-case, the file name without .md'),
  title: z.string().min(1),
  tags: z.array(z.string()).default([]),
  synonyms: z.array(z.string()).default([]),
  questions: z.array(z.string().min(1)).min(1),
  sources: z.array(z.object({ title: z.string().min(1), url: z.string().url() })).min(1),
  actions: z.array(z.enum(SUGGESTED_ACTIONS)).default([]),
});

export type ArticleMeta = z.infer<typeof frontMatterSchema>;

export interface Source {
  title: string;
  url: string;
}

export interface Passage {
  /** `<articleId>#<index>`: stable within one load. */
  id: string;
  articleId: string;
  /** Position of the section in its article, to join neighbours. */
  index: number;
  heading: string;
  /** The section's text without its Sources line. */
  text: string;
  /** The pages named by the section's Sources line; empty when the section has none. */
  sources: Source[];
}

/** `Sources: [Title](url); [Title](url)` as the last non-blank line of a section. */
const SOURCES_LINE = /^Sources:\s*(.+?)\s*$/;
const SOURCE_LINK = /\[([^\]]+)\]\((\S+?)\)/g;

/** The links of a Sources line; an empty list when the line is not one. */
export function parseSourcesLine(line: string): Source[] {
  const match = SOURCES_LINE.exec(line.trim());
  if (!match) return [];
  return [...match[1].matchAll(SOURCE_LINK)].map((m) => ({ title: m[1].trim(), url: m[2].trim() }));
}

/** Splits a section into its text and the sources of its final Sources line (if any). */
function takeSources(section: string): { text: string; sources: Source[] } {
  const lines = section.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const sources = parseSourcesLine(last);
  if (sources.length === 0) return { text: section.trim(), sources: [] };
  return { text: lines.slice(0, -1).join('\n').trim(), sources };
}

export interface Article extends ArticleMeta {
  passages: Passage[];
}

export interface KnowledgeBase {
  articles: Article[];
  passages: Passage[];
  byArticle: Map<string, Article>;
}

export class KnowledgeBaseError extends BotError {
  override readonly name = 'KnowledgeBaseError';
  constructor(message: string) {
    super('knowledge.invalid', message);
  }
}

/** The repository's knowledge/ folder, whether we run from src/ (tsx, jest) or from dist/src. */
export function defaultKnowledgeDir(): string {
  const fromSource = path.resolve(__dirname, '..', '..', 'knowledge');
  return fs.existsSync(fromSource) ? fromSource : path.resolve(__dirname, '..', '..', '..', 'knowledge');
}

function splitSections(articleId: string, body: string): Passage[] {
  const passages: Passage[] = [];
  let heading: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    const { text, sources } = takeSources(lines.join('\n'));
    if (heading !== undefined && text) {
      passages.push({ id: `${articleId}#${passages.length}`, articleId, index: passages.length, heading, text, sources });
    }
    lines = [];
  };
  for (const line of body.split('\n')) {
    const match = /^##\s+(.+?)\s*$/.exec(line);
    if (match) {
      flush();
      heading = match[1];
    } else if (heading !== undefined) {
      lines.push(line);
    }
  }
  flush();
  return passages;
}

export function parseArticle(file: string, source: string): Article {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source);
  } catch (error) {
    throw new KnowledgeBaseError(`${file}: unreadable YAML front matter (${(error as Error).message.split('\n')[0]}).`);
  }
  const meta = frontMatterSchema.safeParse(parsed.data);
  if (!meta.success) {
    const problems = meta.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new KnowledgeBaseError(`${file}: invalid front matter (${problems}). Fix the article's YAML header.`);
  }
  const passages = splitSections(meta.data.id, parsed.content);
  if (passages.length === 0) {
    throw new KnowledgeBaseError(`${file}: no "## " sections. Split the article into self-contained sections.`);
  }
  return { ...meta.data, passages };
}

/** Parses every knowledge/*.md once. Throws KnowledgeBaseError naming the file when an article is malformed. */
export function loadKnowledgeBase(dir: string = defaultKnowledgeDir()): KnowledgeBase {
  if (!fs.existsSync(dir)) throw new KnowledgeBaseError(`Knowledge folder ${dir} not found.`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  const articles = files.map((f) => parseArticle(f, fs.readFileSync(path.join(dir, f), 'utf8')));
  const byArticle = new Map<string, Article>();
  for (const [i, article] of articles.entries()) {
    if (byArticle.has(article.id)) throw new KnowledgeBaseError(`${files[i]}: duplicate article id ${article.id}.`);
    if (`${article.id}.md` !== files[i]) {
      throw new KnowledgeBaseError(`${files[i]}: the id must match the file name (expected ${article.id}.md).`);
    }
    byArticle.set(article.id, article);
  }
  return { articles, passages: articles.flatMap((a) => a.passages), byArticle };
}
