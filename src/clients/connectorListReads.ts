/**
 * One connector's admin connection list read once for every connection of it asked for at the same time. The admin
 * API has no GET of a single connection (see docs/per-user-reads.md), so each is found by paging its connector's
 * list in its environment; a card that shows several connections of one connector in one environment (a maker's
 * SharePoint connections in the default environment) would otherwise page that list once per row. Reads are only
 * shared while they are under way: a connection asked for after a read has finished starts a new one, and so does
 * one asked for after this client wrote to a connection of that list, so a caller never gets a read older than
 * its ask or than the last write it could know of.
 */
import type { WireConnection } from './mapConnection';

/** Pages of one connector's list, in order. */
export type ConnectorPages = () => AsyncIterable<WireConnection[]>;

interface SharedRead {
  /** Names (lower case) still looked for: the read stops once none is left. */
  readonly wanted: Set<string>;
  /** The connections asked for that were found, by name (lower case). */
  readonly found: Map<string, WireConnection>;
  /**
   * The pages read so far, as they came, for a name asked for while the read is under way (its row may be on a page
   * already passed). Not indexed by name: a page holds up to 250 connections and usually one of them is asked for,
   * so a map of every row cost a turn more than the rows it answered (9 lists of 250: ~0.28 ms a turn).
   */
  readonly pages: WireConnection[][];
  /** True once the read went through the whole list (a name not seen then does not exist). */
  complete: boolean;
  done: Promise<void>;
}

export class ConnectorListReads {
  private readonly underWay = new Map<string, SharedRead>();

  /**
   * The connection of that name in the list, or undefined when the whole list was read without it. `pages` reads
   * the list from its first page; `listKey` names the list (environment and connector).
   */
  async find(listKey: string, name: string, pages: ConnectorPages): Promise<WireConnection | undefined> {
    const wanted = name.toLowerCase();
    const joined = this.underWay.get(listKey);
    if (joined) {
      const seen = joined.found.get(wanted) ?? inPages(joined.pages, wanted);
      if (seen) return seen;
      joined.wanted.add(wanted);
      await joined.done;
      const found = joined.found.get(wanted);
      // The shared read stopped once the names asked before this one were found: read on for this one.
      if (found || joined.complete) return found;
    }
    const read = this.start(listKey, wanted, pages);
    await read.done;
    return read.found.get(wanted);
  }

  /**
   * After a write to a connection of that list: a read under way may have passed the connection before the write,
   * so later asks start a new read (those already waiting keep theirs: they asked before the write).
   */
  forget(listKey: string): void {
    this.underWay.delete(listKey);
  }

  private start(listKey: string, wanted: string, pages: ConnectorPages): SharedRead {
    const read: SharedRead = {
      wanted: new Set([wanted]),
      found: new Map(),
      pages: [],
      complete: false,
      done: Promise.resolve(),
    };
    const run = async () => {
      try {
        for await (const page of pages()) {
          read.pages.push(page);
          for (const wire of page) {
            const key = wire.name.toLowerCase();
            if (read.wanted.delete(key)) read.found.set(key, wire);
          }
          if (!read.wanted.size) return;
        }
        read.complete = true;
      } finally {
        if (this.underWay.get(listKey) === read) this.underWay.delete(listKey);
      }
    };
    read.done = run();
    this.underWay.set(listKey, read);
    return read;
  }
}

function inPages(pages: readonly WireConnection[][], name: string): WireConnection | undefined {
  for (const page of pages) {
    for (const wire of page) if (wire.name.toLowerCase() === name) return wire;
  }
  return undefined;
}
