/**
 * Finds the tenant's own names in a message: flows, solutions, app registrations, connections (by connector),
 * people (display name, first name, UPN) and environments. Built once for the whole tenant and reused for every
 * message, because a big tenant has tens of thousands of names and a message must be understood in a few
 * milliseconds: names are keyed by their words, typos are found through a table of one-letter deletions (so
 * "wekly reprot" meets "weekly report" without comparing against every name), and a name's first words stand
 * for the whole ("Lunch order" for "Lunch order - create and store document"). A refresh of the names builds it a
 * slice at a time between turns (build()), so the bot keeps answering, from the index in use, while it is built.
 */
import type { ConnectionCatalog } from './connectionCatalog';
import { editDistance, nameWords, type Word } from './text';

export type EntityType = 'flow' | 'solution' | 'app' | 'user' | 'connection' | 'environment';

/** Another way people say a name, and when it counts. */
export interface NameAlias {
  text: string;
  /**
   * `capitalised`: only when written with a capital or when not an everyday word (a first name alone: "Adele",
   * "Will"); `context`: only next to the word that says what it is ("DEV environment", "in prod", "Teams
   * connection") because the word alone is everyday English.
   */
  when?: 'capitalised' | 'context';
}

export interface TenantName {
  type: EntityType;
  /** As the tenant spells it: the value shown back and passed on. */
  name: string;
  id?: string;
  environmentId?: string;
  environmentName?: string;
  aliases?: NameAlias[];
  /** Who may see it besides admins (lower-case user ids); undefined: everyone in the tenant. */
  visibleTo?: string[];
  /** Flows: Started/Stopped/Suspended. */
  state?: string;
}

export interface NameHit {
  name: TenantName;
  /** 1 = the whole name exactly; less for a first name, a partial name or a typo. */
  score: number;
}

export interface NameMatch {
  /** Word positions in the message, end exclusive. */
  from: number;
  to: number;
  /** As typed. */
  text: string;
  /** Best first; several when the words name several things (a flow and a solution both called "Inventory sync"). */
  hits: NameHit[];
}

type KeyKind = 'full' | 'compact' | 'alias' | 'partial';
const KIND_SCORE: Record<KeyKind, number> = { full: 1, compact: 0.95, alias: 0.9, partial: 0.7 };
const FUZZY_PENALTY = 0.12;
const MAX_NAME_WORDS = 10;

interface Keyed {
  name: TenantName;
  kind: KeyKind;
  when?: NameAlias['when'];
}

/** Everyday words that are also names; alone, they only count as a name when capitalised. */
/** Short forms people type for a word of a name ("Vendor Mgmt" for Vendor Management). */
const ABBREVIATIONS: Record<string, string> = {
  mgmt: 'management',
  mgt: 'management',
  mgr: 'manager',
  dept: 'department',
};

const EVERYDAY = new Set(
  (
    'a an and or the my our your his her their its of for to in on at by with from into this that these those it is are ' +
    'was be i me we you he she they all any some no not new old can will may might must should would could do does ' +
    'did done get got make made run runs test tests dev prod default main data report reports flow flows app apps ' +
    'word teams team approvals users user people connection connections secret secrets list show check help mark ' +
    'bill grace hope joy rose art dawn faith frank guy jack jean june ray rich sky summer autumn page chip max ' +
    'sync export order orders lunch invoice weekly nightly daily vendor site request intake inventory'
  ).split(' '),
);

/**
 * Names keyed, or vocabulary words put in the typo table, between two pauses of build(): a few milliseconds of the
 * bot's thread each (a name costs several map and set entries, a word a few deletions).
 */
const NAMES_PER_SLICE = 250;
const WORDS_PER_SLICE = 2_000;
/** Passed by build() only: construct without filling, so build() can fill it a slice at a time. */
const UNFILLED = Symbol('unfilled');

export class NameIndex {
  private readonly keys = new Map<string, Keyed[]>();
  private readonly prefixes = new Set<string>();
  /** one-letter deletions → vocabulary words, for typos. */
  private readonly deletions = new Map<string, string[]>();
  private readonly vocabulary = new Set<string>();
  readonly names: TenantName[];
  /** The tenant's connections one by one, read with the names ("Lee's SharePoint connection"); see connectionSubject.ts. */
  readonly connections?: ConnectionCatalog;

  constructor(names: TenantName[], options: { connections?: ConnectionCatalog } = {}, unfilled?: typeof UNFILLED) {
    this.names = names;
    this.connections = options.connections;
    if (unfilled !== UNFILLED) for (const _slice of this.fill());
  }

  /**
   * The index of `names`, filled a slice at a time with `pause()` between slices (the bot passes setImmediate, so
   * turns waiting meanwhile run in between: filled at once, a large tenant's names held the bot's thread for
   * hundreds of milliseconds). The same fill as the constructor's, so the same index; nobody sees it before it is
   * complete.
   */
  static async build(
    names: TenantName[],
    options: { connections?: ConnectionCatalog },
    pause: () => Promise<unknown>,
  ): Promise<NameIndex> {
    const index = new NameIndex(names, options, UNFILLED);
    for (const _slice of index.fill()) await pause();
    return index;
  }

  /** Keys every name, then fills the typo table, yielding every slice: the one way an index is filled. */
  private *fill(): Generator<void, void, void> {
    let done = 0;
    for (const name of this.names) {
      if (++done % NAMES_PER_SLICE === 0) yield;
      this.add(name);
    }
    done = 0;
    for (const word of this.vocabulary) {
      if (++done % WORDS_PER_SLICE === 0) yield;
      // Only words are misspelt that way: ids and numbers ("flow 1234" vs "flow 1243") are different things.
      if (word.length < 4 || !/^\p{L}+$/u.test(word)) continue;
      for (const d of [word, ...deletionsOf(word)]) {
        const list = this.deletions.get(d);
        if (!list) this.deletions.set(d, [word]);
        else if (!list.includes(word)) list.push(word);
      }
    }
  }

  get size(): number {
    return this.names.length;
  }

  private add(name: TenantName): void {
    const ws = nameWords(name.name).slice(0, MAX_NAME_WORDS);
    if (!ws.length) return;
    // One entry per key and name: a name's alias may repeat its display name's words.
    const done = new Set<string>();
    const key = (words: string[], keyed: Keyed) => {
      const joined = words.join(' ');
      if (done.has(joined)) return;
      done.add(joined);
      this.key(words, joined, keyed);
    };
    key(ws, { name, kind: 'full' });
    if (ws.length > 1) key([ws.join('')], { name, kind: 'compact' });
    // A name's leading words stand for it ("Lunch order" for "Lunch order - create and store document").
    for (let n = 2; n < ws.length; n++) key(ws.slice(0, n), { name, kind: 'partial' });
    for (const alias of name.aliases ?? []) {
      const aw = nameWords(alias.text);
      if (aw.length) key(aw, { name, kind: 'alias', when: alias.when });
    }
  }

  private key(ws: string[], joined: string, keyed: Keyed): void {
    const list = this.keys.get(joined);
    if (!list) this.keys.set(joined, [keyed]);
    else list.push(keyed);
    let prefix = '';
    for (const w of ws) {
      prefix = prefix ? `${prefix} ${w}` : w;
      this.prefixes.add(prefix);
      this.vocabulary.add(w);
    }
  }

  /** Vocabulary words one or two small edits away from `word` (typos), closest first. */
  private nearWords(word: string): string[] {
    if (word.length < 4 || EVERYDAY.has(word) || !/^\p{L}+$/u.test(word)) return [];
    const found = new Set<string>();
    for (const d of [word, ...deletionsOf(word)]) for (const v of this.deletions.get(d) ?? []) found.add(v);
    const max = word.length >= 8 ? 2 : 1;
    return [...found]
      .filter((v) => v !== word)
      .map((v) => ({ v, d: editDistance(word, v, max) }))
      .filter((x) => x.d <= max)
      .sort((a, b) => a.d - b.d)
      .slice(0, 3)
      .map((x) => x.v);
  }

  /**
   * The names in a message, left to right, longest first; `visible` says whether the caller may see a name.
   * `words` comes from text.ts's words().
   */
  find(words: Word[], visible: (name: TenantName) => boolean = () => true): NameMatch[] {
    const alternatives = words.map((w) => {
      const own = [w.text];
      if (w.text.length > 3 && w.text.endsWith('s')) own.push(w.text.slice(0, -1));
      const full = ABBREVIATIONS[w.text];
      if (full) own.push(full);
      // "lee gus flows": a possessive typed without its apostrophe, on a short last word of a longer name only
      // (a short word alone, "its", "has", is not a name with an s)
      const tail = w.text.length === 3 && w.text.endsWith('s') ? [w.text.slice(0, -1)] : [];
      return { exact: own, tail, near: this.vocabulary.has(w.text) ? [] : this.nearWords(w.text) };
    });
    const matches: NameMatch[] = [];
    let i = 0;
    while (i < words.length) {
      const best = this.longestAt(words, alternatives, i, visible);
      if (best) {
        matches.push(best);
        i = best.to;
      } else i++;
    }
    return matches;
  }

  private longestAt(
    words: Word[],
    alternatives: { exact: string[]; tail: string[]; near: string[] }[],
    start: number,
    visible: (name: TenantName) => boolean,
  ): NameMatch | undefined {
    let best: { to: number; fuzzy: number; hits: NameHit[] } | undefined;
    const walk = (at: number, path: string, fuzzy: number) => {
      if (at >= words.length || at - start >= MAX_NAME_WORDS) return;
      const options = [
        ...alternatives[at].exact.map((w) => ({ w, f: 0 })),
        ...(path ? alternatives[at].tail.map((w) => ({ w, f: 0 })) : []),
        ...(fuzzy < 2 ? alternatives[at].near.map((w) => ({ w, f: 1 })) : []),
      ];
      for (const { w, f } of options) {
        const key = path ? `${path} ${w}` : w;
        if (!this.prefixes.has(key)) continue;
        const keyed = this.keys.get(key);
        if (keyed) {
          const hits = this.hitsFor(keyed, words, start, at + 1, fuzzy + f, visible);
          const to = at + 1;
          if (hits.length && (!best || to > best.to || (to === best.to && fuzzy + f < best.fuzzy))) {
            best = { to, fuzzy: fuzzy + f, hits };
          }
        }
        walk(at + 1, key, fuzzy + f);
      }
    };
    walk(start, '', 0);
    if (!best) return undefined;
    const first = words[start];
    const last = words[best.to - 1];
    return { from: start, to: best.to, text: wordsText(first, last, words), hits: best.hits };
  }

  private hitsFor(
    keyed: Keyed[],
    words: Word[],
    from: number,
    to: number,
    fuzzy: number,
    visible: (name: TenantName) => boolean,
  ): NameHit[] {
    const typed = words.slice(from, to);
    const single = typed.length === 1 ? typed[0] : undefined;
    // A typo'd single short word is too weak to be a name.
    if (single && fuzzy > 0 && single.text.length < 6) return [];
    const hits = new Map<TenantName, number>();
    for (const k of keyed) {
      if (!visible(k.name)) continue;
      if (single && !this.singleWordCounts(k, single, words, from)) continue;
      const score = KIND_SCORE[k.kind] - fuzzy * FUZZY_PENALTY;
      if ((hits.get(k.name) ?? 0) < score) hits.set(k.name, score);
    }
    return [...hits.entries()].map(([name, score]) => ({ name, score })).sort((a, b) => b.score - a.score);
  }

  /** One typed word standing for a name: everyday words need a capital or the word that says what they are. */
  private singleWordCounts(k: Keyed, typed: Word, words: Word[], at: number): boolean {
    const capitalised = /^[\p{Lu}\p{N}]/u.test(typed.raw);
    const next = words[at + 1]?.text;
    const previous = words[at - 1]?.text;
    const everyday = EVERYDAY.has(typed.text);
    if (k.when === 'context') {
      if (k.name.type === 'environment') {
        return (
          capitalised ||
          next === 'environment' ||
          next === 'env' ||
          previous === 'in' ||
          previous === 'from' ||
          previous === 'into'
        );
      }
      return next === 'connection' || next === 'connections' || next === 'conn';
    }
    if (k.when === 'capitalised' || k.kind === 'full' || k.kind === 'compact') return !everyday || capitalised;
    return true;
  }
}

function wordsText(first: Word, last: Word, words: Word[]): string {
  const inBetween = words.slice(words.indexOf(first), words.indexOf(last) + 1);
  return inBetween.map((w) => w.raw).join(' ');
}

function deletionsOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}
