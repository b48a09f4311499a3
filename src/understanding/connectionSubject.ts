/**
 * A single connection named in a sentence, the way people name one: by its id pasted from the maker portal, by its
 * display name ("Dataverse (Lee Gu)"), by its owner and connector ("Lee's SharePoint connection", "the
 * D365-App-Registration Dataverse connection", "the shared-commondataservice connection of AppUser", "my SQL
 * connection"), optionally with its environment ("… in PROD"). The words around "connection" are read as a
 * description — connector words, owner words, environment — and settled against the tenant's connections
 * (ConnectionCatalog) that the caller may see: one connection, several to choose from (never guessed), or none.
 */
import { asName, type CatalogConnection, type ConnectionCatalog } from './connectionCatalog';
import type { NameMatch, TenantName } from './nameIndex';
import type { Word } from './text';

export interface ConnectionPhrase {
  /** Word positions of the description in the message, end exclusive. */
  from: number;
  to: number;
  /** The description in plain words ("SharePoint connection of Lee Gu"), for a reply when nothing matches. */
  description: string;
  /** What matches, best first (empty: nothing the caller may see). */
  matches: CatalogConnection[];
  /** The owner the description names, when it names one (for "what depends on <owner>" instead). */
  owner?: { type: 'user' | 'app'; name: string };
}

export interface ConnectionSubjectOptions {
  /** Whether the caller may see a connection (a maker: their own). */
  visible?: (name: TenantName) => boolean;
  /** The caller's object id, for "my … connection". */
  me?: string;
}

const ANCHORS = new Set(['connection', 'connections', 'conn', 'conns', 'connexion']);
const REFERENCE = /^(?:refs?|references?)$/;
/** Words after "connection" that introduce who it belongs to or where it is. */
const OWNER_CUES = new Set(['of', 'for', 'by', 'from', 'under']);
const OWNER_VERBS = new Set(['owned', 'created', 'made', 'belonging', 'belongs', 'set']);
/** "the SharePoint connection Lee Gu owns": the owner right after, then one of these. */
const OWNS = new Set(['owns', 'has', 'had', 'created', 'made', 'uses', 'used', 'set']);
const NEUTRAL = new Set(['the', 'a', 'an', 'shared', 'connector', 'account', 'service', 'principal', 'user', 's']);
const MINE = new Set(['my', 'mine', 'our', 'i', 'me']);
/** An id as the portal shows it: 32 hex digits, a GUID, or "shared-<connector>-<guid>". */
const ID_TOKEN = /[A-Za-z0-9][A-Za-z0-9_-]{11,}/g;

interface Described {
  connectors: Set<string>;
  owners: Set<string>;
  ownerNamed?: { type: 'user' | 'app'; name: string };
  environments: Set<string>;
  mine: boolean;
  byDisplayName?: CatalogConnection[];
}

/**
 * Every connection phrase in the message, left to right. `matches` are the tenant's names NameIndex found in the
 * same words.
 */
export function connectionPhrases(
  text: string,
  ws: Word[],
  matches: NameMatch[],
  catalog: ConnectionCatalog | undefined,
  options: ConnectionSubjectOptions = {},
): ConnectionPhrase[] {
  if (!catalog?.size) return [];
  const visible = (c: CatalogConnection) => options.visible?.(asName(c)) ?? true;
  const out: ConnectionPhrase[] = [];
  // Pasted ids first: nothing is more precise.
  for (const token of text.matchAll(ID_TOKEN)) {
    const row = catalog.named(token[0]);
    if (!row) continue;
    const from = Math.max(
      0,
      ws.findIndex((w) => w.start >= (token.index ?? 0)),
    );
    const to = Math.max(
      from + 1,
      ws.findIndex((w) => w.start >= (token.index ?? 0) + token[0].length),
    );
    out.push({
      from,
      to: to < 0 ? ws.length : to,
      description: `connection ${row.name}`,
      matches: visible(row) ? [row] : [],
    });
  }
  const matchAt = (i: number) => matches.find((m) => i >= m.from && i < m.to);
  const taken = (i: number) => out.some((p) => i >= p.from && i < p.to);
  out.push(...displayNamesIn(text, ws, matchAt, catalog, visible, taken));
  for (let a = 0; a < ws.length; a++) {
    const anchored = ANCHORS.has(ws[a].text) && !REFERENCE.test(ws[a + 1]?.text ?? '');
    // "Lee's SharePoint" without the word "connection": an owner's connector is one of their connections.
    const connectorMatch = matchAt(a);
    const possessiveConnector =
      !anchored &&
      connectorMatch?.from === a &&
      connectorMatch.hits.some((h) => h.name.type === 'connection') &&
      possessiveOwnerBefore(a, ws, matchAt) &&
      !REFERENCE.test(ws[connectorMatch.to]?.text ?? '') &&
      !ANCHORS.has(ws[connectorMatch.to]?.text ?? '');
    if ((!anchored && !possessiveConnector) || taken(a)) continue;
    const end = anchored ? a : connectorMatch!.to - 1;
    const phrase = describe(ws, end, anchored, matchAt, catalog, options);
    if (!phrase) continue;
    const { from, to, described } = phrase;
    if (out.some((p) => p.from < to && from < p.to)) continue;
    // "Lee's connections", "SharePoint connections": a person's or a kind's, not one connection.
    if (anchored && /s$/.test(ws[a].text) && !described.byDisplayName) continue;
    const found = resolve(described, catalog).filter(visible);
    out.push({
      from,
      to,
      description: text.slice(ws[from].start, ws[to - 1].end).replace(/^(?:the|a|an)\s+/i, ''),
      matches: sortForChoice(found),
      owner: described.ownerNamed,
    });
    a = to - 1;
  }
  return out.sort((x, y) => x.from - y.from);
}

/**
 * A connection's display name written out ("Dataverse (Lee Gu)"), two words or more, unless those words are one
 * name of something else ("leeg@example.com" is the person, though connections are often named after the account).
 */
function displayNamesIn(
  text: string,
  ws: Word[],
  matchAt: (i: number) => NameMatch | undefined,
  catalog: ConnectionCatalog,
  visible: (c: CatalogConnection) => boolean,
  taken: (i: number) => boolean,
): ConnectionPhrase[] {
  const out: ConnectionPhrase[] = [];
  for (let from = 0; from < ws.length; from++) {
    if (taken(from)) continue;
    for (let to = Math.min(ws.length, from + catalog.maxDisplayNameWords); to >= from + 2; to--) {
      const rows = catalog.displayNamed(ws.slice(from, to).map((w) => w.text));
      if (!rows.length) continue;
      const one = matchAt(from);
      if (one && one.from === from && one.to === to && !one.hits.some((h) => h.name.type === 'connection')) continue;
      out.push({
        from,
        to,
        description: text.slice(ws[from].start, ws[to - 1].end),
        matches: sortForChoice(rows.filter(visible)),
      });
      from = to - 1;
      break;
    }
  }
  return out;
}

/** A connection's address in the maker portal (…/connections/<connector>/<name>/…) stands for the connection. */
export function portalLinksAsNames(text: string): string {
  return text.replace(
    /\bhttps?:\/\/\S*?\/connections\/[\w.-]+\/([\w-]+)\S*/gi,
    (_link, name: string) => `connection ${name}`,
  );
}

function possessiveInside(match: NameMatch, ws: Word[]): boolean {
  for (let i = match.from; i < match.to - 1; i++) if (/'s$/i.test(ws[i].raw)) return true;
  return false;
}

function possessiveOwnerBefore(at: number, ws: Word[], matchAt: (i: number) => NameMatch | undefined): boolean {
  const before = matchAt(at - 1);
  return (
    !!before && /'s$/i.test(ws[at - 1].raw) && before.hits.some((h) => h.name.type === 'user' || h.name.type === 'app')
  );
}

/** The description around position `end` (the anchor word, or the last word of a connector after a possessive). */
function describe(
  ws: Word[],
  end: number,
  anchored: boolean,
  matchAt: (i: number) => NameMatch | undefined,
  catalog: ConnectionCatalog,
  options: ConnectionSubjectOptions,
): { from: number; to: number; described: Described } | undefined {
  const described: Described = { connectors: new Set(), owners: new Set(), environments: new Set(), mine: false };
  let informative = false;
  // Left of the anchor: the owner and the connector ("Lee's SharePoint", "the D365-App-Registration Dataverse").
  let from = anchored ? end : end + 1;
  for (let i = anchored ? end - 1 : end; i >= 0;) {
    const match = matchAt(i);
    // "TechUser's SharePoint" read as the first words of "TechUser_Sharepoint_PRD": a possessive inside a name
    // ends the owner there, and the words after it describe the connection; they are read one by one below.
    if (match && !possessiveInside(match, ws) && take(match, described, catalog)) {
      informative = true;
      from = match.from;
      i = match.from - 1;
      continue;
    }
    const word = ws[i].text;
    if (MINE.has(word) && options.me) {
      described.mine = true;
      informative = true;
      from = i;
      break;
    }
    if (NEUTRAL.has(word)) {
      from = i;
      if (['the', 'a', 'an'].includes(word)) break;
      i--;
      continue;
    }
    if (plainWord(word, described, catalog)) {
      informative = true;
      from = i;
      i--;
      continue;
    }
    break;
  }
  // Right of the anchor: "of/for/owned by <owner>", "in <environment>", "<owner> owns".
  let to = end + 1;
  const owner = matchAt(end + 1);
  if (anchored && owner?.from === end + 1 && OWNS.has(ws[owner.to]?.text ?? '') && take(owner, described, catalog)) {
    informative = true;
    to = owner.to + 1;
  }
  for (let i = to; i < ws.length;) {
    const word = ws[i].text;
    const cue = OWNER_CUES.has(word) || word === 'in' || word === 'on';
    const verb = OWNER_VERBS.has(word) && ['by', 'to', 'up'].includes(ws[i + 1]?.text ?? '');
    if (!cue && !verb) break;
    let j = i + (verb ? 2 : 1);
    if (verb && ws[j]?.text === 'by') j++;
    let took = false;
    while (j < ws.length) {
      const match = matchAt(j);
      if (match && take(match, described, catalog)) {
        took = true;
        j = match.to;
        continue;
      }
      const w = ws[j].text;
      if (NEUTRAL.has(w)) {
        j++;
        continue;
      }
      if (MINE.has(w) && options.me) {
        described.mine = true;
        took = true;
        j++;
        continue;
      }
      if (plainWord(w, described, catalog)) {
        took = true;
        j++;
        continue;
      }
      break;
    }
    if (!took) break;
    informative = true;
    to = j;
    i = j;
  }
  if (options.me && described.mine) described.owners.add(`user:${options.me.toLowerCase()}`);
  // The display name, when the description is one ("the Dataverse (Lee Gu) connection").
  const span = ws.slice(from, anchored ? end : end + 1).map((w) => w.text);
  for (let start = 0; start < span.length && !described.byDisplayName; start++) {
    const rows = catalog.displayNamed(span.slice(start));
    if (rows.length) described.byDisplayName = rows;
  }
  if (!informative && !described.byDisplayName) return undefined;
  return { from, to, described };
}

/** A name NameIndex found: a connector, an owner (person or app) or an environment; false for other things. */
function take(match: NameMatch, described: Described, catalog: ConnectionCatalog): boolean {
  const best = match.hits[0]?.score ?? 0;
  const hits = match.hits.filter((h) => h.score >= best - 0.05);
  const connector = hits.find((h) => h.name.type === 'connection');
  if (connector) {
    for (const c of catalog.connectorsLabelled(connector.name.name)) described.connectors.add(c);
    return true;
  }
  const owner = hits.find((h) => (h.name.type === 'user' || h.name.type === 'app') && h.name.id);
  if (owner?.name.id) {
    const key = catalog.ownerKey(owner.name.type as 'user' | 'app', owner.name.id);
    if (key) {
      described.owners.add(key);
      described.ownerNamed ??= { type: owner.name.type as 'user' | 'app', name: owner.name.name };
    }
    return true;
  }
  const environment = hits.find((h) => h.name.type === 'environment' && h.name.id);
  if (environment?.name.id) {
    described.environments.add(environment.name.id.toLowerCase());
    return true;
  }
  return false;
}

/** A word NameIndex did not place: a connector's ("commondataservice") or an owner's ("AppUser"). */
function plainWord(word: string, described: Described, catalog: ConnectionCatalog): boolean {
  const connectors = catalog.connectorsForWord(word);
  if (connectors.length) {
    for (const c of connectors) described.connectors.add(c);
    return true;
  }
  const owners = catalog.ownersForWord(word);
  if (owners.length) {
    for (const o of owners) described.owners.add(o);
    return true;
  }
  return false;
}

/** The connections a description fits. */
function resolve(described: Described, catalog: ConnectionCatalog): CatalogConnection[] {
  const inScope = (c: CatalogConnection) =>
    (!described.connectors.size || described.connectors.has(c.connector)) &&
    (!described.environments.size || described.environments.has(c.environmentId.toLowerCase()));
  if (described.byDisplayName) {
    const rows = described.byDisplayName.filter(inScope);
    if (rows.length) return rows;
  }
  if (described.owners.size) {
    // Several owners share a word ("Megan" in a person's and an app's name): the ones whose connections fit.
    const rows = [...described.owners].flatMap((o) => catalog.ownedBy(o)).filter(inScope);
    return [...new Set(rows)];
  }
  if (described.connectors.size) {
    return [...described.connectors].flatMap((c) => catalog.ofConnector(c)).filter(inScope);
  }
  return [];
}

/** Production first (what breaks there matters most), then by environment and name. */
function sortForChoice(rows: CatalogConnection[]): CatalogConnection[] {
  const prod = (c: CatalogConnection) => Number(/\b(?:prod|production|prd)\b/i.test(c.environmentName));
  return [...rows].sort(
    (a, b) =>
      prod(b) - prod(a) ||
      a.environmentName.localeCompare(b.environmentName) ||
      a.displayName.localeCompare(b.displayName),
  );
}

/** A connection to pick from, or a reply when none fits: what a request naming a connection needs besides its intent. */
export interface ConnectionChoice {
  title: string;
  intro: string;
  choices: { title: string; text: string }[];
}

const MAX_CHOICES = 8;
/** Words before a re-point's target: "at", "to", "onto" the connection. */
const TARGET_CUES = new Set(['at', 'to', 'onto', 'into', 'on', 'with', 'towards', 'toward', 'use', 'using']);

/** Whether a phrase stands where a re-point's target does: right after "at", "to", "onto" ("… at the X connection"). */
export function isTarget(phrase: ConnectionPhrase, ws: Word[]): boolean {
  const before = ws[phrase.from - 1]?.text;
  const skipped = ['the', 'a', 'an'].includes(before ?? '') ? ws[phrase.from - 2]?.text : before;
  return TARGET_CUES.has(skipped ?? '');
}

/**
 * The connection a request is about, for the requests that take one: "what depends on X" (X is the connection) and
 * a re-point (X is the target, after "at"/"to"). One match fills `entities`; several, or none, give what to ask
 * or say instead — never a silent guess.
 */
export function settleConnection(
  intent: string,
  phrases: ConnectionPhrase[],
  ws: Word[],
  entities: { connection?: string; connectionId?: string; solution?: string },
): ConnectionChoice | undefined {
  let phrase: ConnectionPhrase | undefined;
  if (intent === 'impact') phrase = phrases[0];
  else if (intent === 'repointReferences') {
    phrase = [...phrases].reverse().find((p) => isTarget(p, ws));
  }
  if (!phrase) return undefined;
  const { matches, description } = phrase;
  if (matches.length === 1) {
    entities.connection = matches[0].displayName;
    entities.connectionId = matches[0].name;
    return undefined;
  }
  entities.connection ??= description;
  const ask = (c: CatalogConnection) =>
    intent === 'impact'
      ? `what depends on connection ${c.name}`
      : `point ${entities.solution ? `${entities.solution}'s` : 'the'} references at connection ${c.name}`;
  if (matches.length) {
    const more = matches.length > MAX_CHOICES;
    return {
      title: 'Which connection?',
      intro:
        `${matches.length} connections match "${description}".` +
        (more ? ` Here are the first ${MAX_CHOICES}; say its environment or owner to narrow it.` : ''),
      choices: matches.slice(0, MAX_CHOICES).map((c) => ({
        title: `${c.displayName} · ${c.environmentName}`,
        text: ask(c),
      })),
    };
  }
  const owner = phrase.owner;
  return {
    title: `I found no connection like "${description}" that you may see.`,
    intro: owner
      ? `Ask what depends on ${owner.name} to see all of their connections.`
      : 'Name it by its display name, its owner and connector ("Lee\u2019s SharePoint connection") or paste its id.',
    choices:
      owner && intent === 'impact'
        ? [{ title: `What depends on ${owner.name}?`, text: `what depends on ${owner.name}` }]
        : [],
  };
}
