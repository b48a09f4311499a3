/**
 * Live reads of single connections (the connector's admin connection list of its environment; see getConnection),
 * remembered for a short while with the moment each was read. A card built from the TenantIndex shows the status of
 * the rows it lists from these reads, never the index's, and says how old each one is; within FRESH_FOR_MS a second
 * look at the same card costs no request, and [Refresh] reads again whatever it shows.
 */
import { isTenantApiError } from '../tenant/errors';
import type { Connection } from '../tenant/model';
import type { TenantReader } from './tenantReader';

/** How long a live read is shown as it is, with its age, before it is read again. */
export const FRESH_FOR_MS = 60_000;
/** Entries kept at most (oldest dropped first); a few hundred makers' pages. */
const MAX_ENTRIES = 10_000;

export type LiveRead =
  | { kind: 'found'; connection: Connection; readAt: Date }
  | { kind: 'gone'; readAt: Date }
  /** Could not be read now: the reader recorded why. */
  | { kind: 'unknown' };

interface Key {
  environmentId: string;
  connector: string;
  name: string;
}

export class LiveConnections {
  private readonly reads = new Map<string, Exclude<LiveRead, { kind: 'unknown' }>>();

  /** The connection as it is now (or as read less than FRESH_FOR_MS ago, unless `fresh`). */
  async read(reader: TenantReader, key: Key, what: string, options: { now: Date; fresh?: boolean }): Promise<LiveRead> {
    const id = `${key.environmentId}/${key.connector}/${key.name}`.toLowerCase();
    const known = this.reads.get(id);
    if (known && !options.fresh && options.now.getTime() - known.readAt.getTime() < FRESH_FOR_MS) return known;
    let missing = false;
    const connection = await reader.read(`live:${id}`, what, () =>
      reader.tenant.connections.getConnection(key.environmentId, key.connector, key.name).catch((error: unknown) => {
        if (isTenantApiError(error) && error.kind === 'notFound') {
          missing = true;
          return undefined;
        }
        throw error;
      }),
    );
    let result: LiveRead;
    if (connection) result = { kind: 'found', connection, readAt: options.now };
    else if (missing) result = { kind: 'gone', readAt: options.now };
    else return { kind: 'unknown' };
    this.reads.delete(id);
    this.reads.set(id, result);
    if (this.reads.size > MAX_ENTRIES) this.reads.delete(this.reads.keys().next().value as string);
    return result;
  }
}

/** "just now", "40 seconds ago", "3 minutes ago", "2 hours ago", "5 days ago". */
export function ageText(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} seconds ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.round(hours / 24);
  return `${days} days ago`;
}
