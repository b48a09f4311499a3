/**
 * "Show my connections" from the tenant index: the caller's connections are found in the index (by owner, no
 * listing), and only the page the card shows is read live, one GET per row, so a turn costs at most PAGE_SIZE
 * requests (none when the same rows were read less than a minute ago) however big the tenant is. The card says
 * how old the list is and when each status was read, with [Refresh].
 *
 * What the index cannot know is said, not guessed: connections created after it was taken are missing until the
 * next scan, and connections others shared with the caller are not listed (that needs every connection's
 * permissions; "why can't I turn on <flow>" checks sharing for the connections one flow needs).
 */
import type { Caller } from '../access/caller';
import type { Reply } from '../cards/reply';
import type { Connection, Environment } from '../tenant/model';
import { ageText, type LiveConnections, type LiveRead } from './liveConnections';
import { myConnectionsCard, PAGE_SIZE, rowFor, type Row } from './myConnections';
import { withGaps } from './partialResult';
import type { IndexedConnection, TenantIndex } from './tenantIndex';
import type { TenantReader } from './tenantReader';

const rank = (status: Connection['status']) => (status === 'Error' ? 0 : status === 'ConfigurationNeeded' ? 1 : 2);

/**
 * The caller's connections in the card's order, sorted once per index: an index never changes once built, and
 * sorting a maker's 500 rows by locale-aware names on every turn was a millisecond of each turn's CPU.
 */
const sortedByIndex = new WeakMap<TenantIndex, Map<string, readonly IndexedConnection[]>>();

function ownedInCardOrder(index: TenantIndex, userId: string): readonly IndexedConnection[] {
  let byOwner = sortedByIndex.get(index);
  if (!byOwner) sortedByIndex.set(index, (byOwner = new Map()));
  const key = userId.toLowerCase();
  let sorted = byOwner.get(key);
  if (!sorted) {
    const collator = new Intl.Collator();
    const envName = (id: string) => index.environment(id)?.displayName ?? id;
    // Problems first, then by environment and name: the same order as the complete listing, by the index's statuses.
    sorted = [...index.connectionsOwnedBy(userId)].sort(
      (a, b) =>
        rank(a.status) - rank(b.status) ||
        collator.compare(envName(a.environmentId), envName(b.environmentId)) ||
        collator.compare(a.displayName, b.displayName),
    );
    byOwner.set(key, sorted);
  }
  return sorted;
}

export async function myConnectionsFromIndex(
  reader: TenantReader,
  index: TenantIndex,
  live: LiveConnections,
  caller: Caller,
  now: Date,
  options: { page?: number; fresh?: boolean; isAdmin?: () => Promise<boolean> } = {},
): Promise<Reply> {
  const retry = { view: 'myConnections', page: options.page ?? 1 };
  const mine = ownedInCardOrder(index, caller.userId);
  const pages = Math.max(1, Math.ceil(mine.length / PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pages);
  const onPage = mine.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  const reads = await Promise.all(
    onPage.map((indexed) =>
      live.read(
        reader,
        { environmentId: indexed.environmentId, connector: indexed.connector, name: indexed.name },
        'the current status of your connections',
        { now, fresh: options.fresh },
      ),
    ),
  );
  const rows: Row[] = [];
  let gone = 0;
  let attention = mine.filter((c) => c.status !== 'Connected').length;
  await Promise.all(
    onPage.map(async (indexed, i) => {
      const read = reads[i];
      if (read.kind === 'gone') {
        gone++;
        if (indexed.status !== 'Connected') attention--;
        return;
      }
      const connection = read.kind === 'found' ? read.connection : indexed;
      if (read.kind === 'found' && (indexed.status === 'Connected') !== (connection.status === 'Connected')) {
        attention += connection.status === 'Connected' ? -1 : 1;
      }
      const environment: Environment = index.environment(indexed.environmentId) ?? {
        id: indexed.environmentId,
        displayName: indexed.environmentId,
        isDefault: false,
      };
      const row = await rowFor(reader, caller, environment, connection, indexed.flowCount, now, options.isAdmin);
      rows.push({
        ...row,
        sortKey: `${String(i).padStart(4, '0')}|${row.sortKey}`,
        checked: checkedText(read, index, now),
      });
    }),
  );
  // A status read now re-ranks the row within its page (the other pages keep the index's order).
  rows.sort((a, b) => rowRank(a) - rowRank(b) || a.sortKey.localeCompare(b.sortKey));

  const notes: string[] = [];
  if (gone) notes.push(`${gone} connection${gone === 1 ? ' was' : 's were'} deleted since the list was taken.`);
  const partial = index.partialEnvironments;
  if (partial.length) {
    notes.push(
      `The list may miss connections in ${partial.map((e) => e.displayName).join(', ')}: they could not be read then.`,
    );
  }
  notes.push('Connections others shared with you are not listed here.');
  // The chart counts what the summary counts: the index's statuses, with the ones read now in their place.
  const readOf = new Map(onPage.map((indexed, i) => [indexed, reads[i]] as const));
  const statuses = mine.flatMap((c) => {
    const read = readOf.get(c);
    if (!read) return [c.status];
    if (read.kind === 'gone') return [];
    return [read.kind === 'found' ? read.connection.status : c.status];
  });
  const card = myConnectionsCard({
    shown: rows,
    statuses,
    total: mine.length - gone,
    attention: Math.max(0, attention),
    environmentCount: new Set(mine.map((c) => c.environmentId)).size,
    page: current,
    pages,
    notes,
    empty: 'You own no connections.',
    asOf:
      `Listed from the tenant as read ${ageText(index.takenAt, now)} (connections created since then appear after ` +
      'the next read). The statuses on this page are read live; the other pages count as of then.',
  });
  return withGaps({ cards: [card] }, reader.gaps, retry);
}

function rowRank(row: Row): number {
  return row.statusColor === 'Attention' ? 0 : row.statusColor === 'Warning' ? 1 : 2;
}

function checkedText(read: LiveRead, index: TenantIndex, now: Date): string {
  if (read.kind === 'found') return `Status read ${ageText(read.readAt, now)}.`;
  return `Status as of ${ageText(index.takenAt, now)}: it could not be read now.`;
}
