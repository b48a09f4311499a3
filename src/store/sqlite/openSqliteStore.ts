/**
 * The default store: one SQLite file (WAL, so readers never wait for the writer), schema migrated at open.
 * better-sqlite3 is synchronous and fast; the ports stay async so the Azure adapter fits the same shape.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../clock';
import type { Store } from '../ports';
import { applyMigrations } from './migrations';
import { SqliteAuditLog } from './sqliteAuditLog';
import { SqliteBotStateStorage } from './sqliteBotStateStorage';
import { SqliteJobQueue } from './sqliteJobQueue';
import { SqliteLeaseStore } from './sqliteLeaseStore';
import { SqliteRecordStore } from './sqliteRecordStore';

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created if missing. */
  file: string;
  /** When jobs become visible and leases run out (default: the system clock). */
  clock?: Clock;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  mkdirSync(dirname(options.file), { recursive: true });
  // A second process on the same file (CLI next to the bot) waits for the write lock instead of failing.
  const db = new Database(options.file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, options.file);
  } catch (error) {
    db.close();
    throw error;
  }
  const ping = db.prepare('SELECT 1');
  return {
    records: new SqliteRecordStore(db),
    audit: new SqliteAuditLog(db),
    jobs: new SqliteJobQueue(db, options.clock),
    leases: new SqliteLeaseStore(db, options.clock),
    botState: new SqliteBotStateStorage(db),
    async ping() {
      ping.get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
