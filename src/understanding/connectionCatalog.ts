/**
 * The tenant's connections one by one, for understanding a message that names a single connection: "Lee's
 * SharePoint connection", "the Dataverse connection of AppUser", "Dataverse (Lee Gu)", or a connection's id pasted
 * from the maker portal. The NameIndex knows connectors (what kind of connection), not connections; this knows
 * each connection by its id, its display name, who it signs in as and its connector, so a description can be
 * settled to one connection, or to the few a person must choose from.
 *
 * Built once per refresh of the names (as the NameIndex is) from rows the tenant index already holds; the lookups
 * are maps, so a message costs a few map reads whatever the size of the tenant. A refresh builds it a slice at a
 * time with a pause between slices (build()), so turns keep being answered meanwhile, from the catalog in use until
 * the new one is complete (filled at once, a large tenant's connections held the bot's thread, and every turn
 * waiting, for the whole fill).
 */
import type { TenantName } from './nameIndex';
import { nameWords } from './text';

/** What the catalog needs of a connection (the tenant index's rows have it all). */
export interface ConnectionSource {
  name?: string;
  displayName?: string;
  connector: string;
  createdBy: { id: string; displayName?: string };
  authType?: string;
  servicePrincipalAppId?: string;
  accountName?: string;
}

export interface CatalogConnection {
  /** The connection's id in the API hub (what references point to, what the portal shows in its address). */
  name: string;
  displayName: string;
  /** Connector id without its path, lower case ("shared_sharepointonline"). */
  connector: string;
  connectorLabel: string;
  environmentId: string;
  environmentName: string;
  /** Object id of the person who created it (lower case). */
  ownerId: string;
  ownerName?: string;
  /** Client id of the app it signs in as (service-principal connections), lower case. */
  appId?: string;
  appName?: string;
}

/** A connection as a name, for the caller's visibility rule (a maker sees their own connections). */
export function asName(row: CatalogConnection): TenantName {
  return { type: 'connection', name: row.displayName, visibleTo: [row.ownerId] };
}

export interface CatalogSources {
  environments: { id: string; displayName: string }[];
  users: { id: string; displayName: string; userPrincipalName?: string }[];
  apps: { id: string; displayName: string; appId?: string }[];
  /** Per environment, as the names are read (no copy of 100,000 rows to add their environment). */
  connections: { environmentId: string; rows: ConnectionSource[] }[];
  /** The label people know a connector by ("shared_sharepointonline" → "SharePoint"). */
  connectorLabel: (connector: string) => string;
}

/** Words that say nothing about which connector or owner ("shared_…" starts every standard connector's id). */
const NOT_DISTINCTIVE = new Set(['shared', 'microsoft', 'online', 'business', 'for', 'the', 'and', 'of', 'api', 'app']);
/** A typed word this long that begins a connector id's word names that connector ("commondataser" in a portal id). */
const MIN_PREFIX = 6;
/**
 * Rows filled between two pauses of build(): a few milliseconds of the bot's thread each (1,000 rows took 7 ms
 * median, up to 50 ms, at 100,000 connections on a loaded 2-core machine: the longest hold of a names refresh).
 */
const SLICE = 250;

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
};

export class ConnectionCatalog {
  private readonly byName = new Map<string, CatalogConnection>();
  private readonly byDisplayName = new Map<string, CatalogConnection[]>();
  private readonly byOwner = new Map<string, CatalogConnection[]>();
  private readonly byApp = new Map<string, CatalogConnection[]>();
  private readonly byConnector = new Map<string, CatalogConnection[]>();
  /** connector label (lower case) → connector ids: what the NameIndex's connector names stand for. */
  private readonly labels = new Map<string, Set<string>>();
  /** A word of a connector's id or label → connector ids. */
  private readonly connectorWords = new Map<string, Set<string>>();
  /** A word of an owner's name → owner keys ("user:<id>" or "app:<appId>"). */
  private readonly ownerWords = new Map<string, Set<string>>();
  private readonly appIdByObjectId = new Map<string, string>();
  private longestDisplayName = 0;

  private constructor() {}

  /** The catalog of `sources`, filled at once (small tenants, tests). */
  static from(sources: CatalogSources): ConnectionCatalog {
    const catalog = new ConnectionCatalog();
    for (const _slice of catalog.fill(sources));
    return catalog;
  }

  /**
   * The catalog of `sources`, filled a slice at a time with `pause()` between slices (the bot passes setImmediate,
   * so waiting turns run in between). The same fill as from(), so the same catalog; nobody sees it before it is
   * complete.
   */
  static async build(sources: CatalogSources, pause: () => Promise<unknown>): Promise<ConnectionCatalog> {
    const catalog = new ConnectionCatalog();
    for (const _slice of catalog.fill(sources)) await pause();
    return catalog;
  }

  /** Fills the lookups, yielding after every SLICE items: the one way both from() and build() fill a catalog. */
  private *fill(sources: CatalogSources): Generator<void, void, void> {
    const environments = new Map(sources.environments.map((e) => [e.id.toLowerCase(), e.displayName]));
    const users = new Map(sources.users.map((u) => [u.id.toLowerCase(), u]));
    const apps = new Map<string, { displayName: string }>();
    let done = 0;
    for (const app of sources.apps) {
      if (++done % SLICE === 0) yield;
      if (!app.appId) continue;
      apps.set(app.appId.toLowerCase(), app);
      this.appIdByObjectId.set(app.id.toLowerCase(), app.appId.toLowerCase());
    }
    let longest = 0;
    const owners = new Set<string>();
    for (const { environmentId, rows } of sources.connections) {
      const environmentName = environments.get(environmentId.toLowerCase()) ?? environmentId;
      for (const source of rows) {
        if (++done % SLICE === 0) yield;
        if (!source.name) continue;
        const tail = source.connector.split('/').pop() ?? source.connector;
        const connector = tail.toLowerCase();
        const ownerId = source.createdBy.id.toLowerCase();
        const appId = source.servicePrincipalAppId?.toLowerCase();
        const displayName = source.displayName || source.name;
        const row: CatalogConnection = {
          name: source.name,
          displayName,
          connector,
          connectorLabel: sources.connectorLabel(tail),
          environmentId,
          environmentName,
          ownerId,
          ownerName: users.get(ownerId)?.displayName ?? source.createdBy.displayName,
          appId,
          appName: appId ? apps.get(appId)?.displayName : undefined,
        };
        this.byName.set(row.name.toLowerCase(), row);
        const words = quickWords(displayName);
        longest = Math.max(longest, words.length);
        push(this.byDisplayName, words.join(' '), row);
        // A person's connection is theirs whether it signs in as them or as an app they set it up with; which of
        // these a sentence means is settled by the connector and the sign-in (see ownedBy).
        push(this.byOwner, ownerId, row);
        if (appId) push(this.byApp, appId, row);
        const firstOfConnector = !this.byConnector.has(connector);
        push(this.byConnector, connector, row);
        if (firstOfConnector) {
          add(this.labels, row.connectorLabel.toLowerCase(), connector);
          for (const w of [...nameWords(connector), ...nameWords(row.connectorLabel)]) {
            if (!NOT_DISTINCTIVE.has(w)) add(this.connectorWords, w, connector);
          }
        }
        const ownerKey = appId ? `app:${appId}` : `user:${ownerId}`;
        if (!owners.has(ownerKey)) {
          owners.add(ownerKey);
          const ownerName = appId ? row.appName : row.ownerName;
          if (ownerName) for (const w of ownerWordsOf(ownerName)) add(this.ownerWords, w, ownerKey);
          if (!appId) {
            const upn = users.get(ownerId)?.userPrincipalName ?? source.accountName;
            const local = upn?.split('@')[0];
            if (local && !local.includes('#')) for (const w of ownerWordsOf(local)) add(this.ownerWords, w, ownerKey);
          }
        }
      }
    }
    this.longestDisplayName = Math.min(longest, 12);
  }

  get size(): number {
    return this.byName.size;
  }

  /** A connection by its id, as pasted from the portal (case does not matter). */
  named(name: string): CatalogConnection | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Connections whose display name is exactly these words. */
  displayNamed(words: string[]): CatalogConnection[] {
    if (!words.length || words.length > this.longestDisplayName) return [];
    return this.byDisplayName.get(words.join(' ')) ?? [];
  }

  get maxDisplayNameWords(): number {
    return this.longestDisplayName;
  }

  /** Connector ids a NameIndex connector name (its label) stands for. */
  connectorsLabelled(label: string): string[] {
    return [...(this.labels.get(label.toLowerCase()) ?? [])];
  }

  /**
   * Connector ids a typed word names: a word of a connector's id or label ("sharepointonline", "dataverse"), or the
   * beginning of one ("commondataservice", "commondataser": people paste the connector's id cut short, as connection
   * names in flow definitions are often written, e.g. "shared-commondataser-<guid>"; that naming is seen in exported
   * flows, not documented on Microsoft Learn, so the rule does not depend on it).
   */
  connectorsForWord(word: string): string[] {
    if (NOT_DISTINCTIVE.has(word)) return [];
    const exact = this.connectorWords.get(word);
    if (exact) return [...exact];
    if (word.length < MIN_PREFIX) return [];
    const found = new Set<string>();
    for (const [w, connectors] of this.connectorWords) {
      if (w.startsWith(word)) for (const c of connectors) found.add(c);
    }
    return [...found];
  }

  /** Owners ("user:<id>" / "app:<appId>") with this word in their name: "AppUser" for AppUser_Dataverse_PRD. */
  ownersForWord(word: string): string[] {
    return [...(this.ownerWords.get(word) ?? [])];
  }

  /** The owner key of a person or app registration the NameIndex found (an app by its object id). */
  ownerKey(type: 'user' | 'app', objectId: string): string | undefined {
    if (type === 'user') return `user:${objectId.toLowerCase()}`;
    const appId = this.appIdByObjectId.get(objectId.toLowerCase());
    return appId ? `app:${appId}` : undefined;
  }

  /**
   * The connections of an owner. An app's: those that sign in as it. A person's: those that sign in as them; the
   * service-principal connections they set up count only when nothing of theirs signs in as them (those sign in as
   * an app, and are "the app's connection" first).
   */
  ownedBy(ownerKey: string): CatalogConnection[] {
    const [kind, id] = ownerKey.split(':');
    if (kind === 'app') return this.byApp.get(id) ?? [];
    const all = this.byOwner.get(id) ?? [];
    const own = all.filter((c) => !c.appId);
    return own.length ? own : all;
  }

  ofConnector(connector: string): CatalogConnection[] {
    return this.byConnector.get(connector) ?? [];
  }
}

/**
 * A display name's words as text.ts's words() gives them for a message (lower case, a possessive "'s" dropped),
 * without building a Word per word: this runs once per connection of the tenant.
 */
function quickWords(name: string): string[] {
  const found = name.toLowerCase().match(/[\p{L}\p{N}]+(?:'\p{L}+)?/gu) ?? [];
  for (let i = 0; i < found.length; i++) if (found[i].endsWith("'s")) found[i] = found[i].slice(0, -2);
  return found;
}

/** "AppUser_Dataverse_PRD" → appuser, dataverse, prd; "Lee Gu" → lee, gu (two letters and more). */
function ownerWordsOf(name: string): string[] {
  return nameWords(name).filter((w) => w.length >= 2 && !NOT_DISTINCTIVE.has(w));
}
