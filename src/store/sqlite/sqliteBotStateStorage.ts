/**
 * StoreItemsStorage on SQLite with botbuilder MemoryStorage's rules: no eTag or "*" writes unconditionally, an
 * eTag must match the stored one (or the item must be absent), and every write issues a new eTag. Unlike
 * MemoryStorage, a multi-key write is all-or-nothing.
 */
import type Database from 'better-sqlite3';
import { ETagConflictError, type StoreItemsStorage } from '../ports';
import { toJson } from '../toJson';
import { newVersion } from './newVersion';

type Item = Record<string, unknown>;

export class SqliteBotStateStorage implements StoreItemsStorage {
  private readonly readStmt: Database.Statement<[string], { value: string; etag: string }>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly writeTx: Database.Transaction<(changes: Record<string, Item>) => void>;

  constructor(db: Database.Database) {
    this.readStmt = db.prepare('SELECT value, etag FROM bot_state WHERE key = ?');
    this.deleteStmt = db.prepare('DELETE FROM bot_state WHERE key = ?');
    const save = db.prepare<[string, string, string]>(
      `INSERT INTO bot_state (key, value, etag) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag`,
    );
    this.writeTx = db.transaction((changes: Record<string, Item>) => {
      for (const [key, item] of Object.entries(changes)) {
        const { eTag, ...rest } = item;
        if (eTag && eTag !== '*') {
          const stored = this.readStmt.get(key);
          if (stored && stored.etag !== eTag) throw new ETagConflictError(key);
        }
        save.run(key, toJson(rest, `bot state "${key}"`), newVersion());
      }
    });
  }

  async read(keys: string[]): Promise<Record<string, Item>> {
    const items: Record<string, Item> = {};
    for (const key of keys) {
      const row = this.readStmt.get(key);
      if (row) items[key] = { ...(JSON.parse(row.value) as Item), eTag: row.etag };
    }
    return items;
  }

  async write(changes: Record<string, Item>): Promise<void> {
    this.writeTx.immediate(changes);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.deleteStmt.run(key);
  }
}
