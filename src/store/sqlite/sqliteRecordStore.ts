/** RecordStore on SQLite: one row per (collection, key); conditions are checked by the UPDATE/INSERT itself. */
import type Database from 'better-sqlite3';
import { VersionConflictError, type PutOptions, type RecordStore, type StoredRecord } from '../ports';
import { toJson } from '../toJson';
import { newVersion } from './newVersion';

const PAGE = 100;

interface Row {
  key: string;
  value: string;
  version: string;
}

export class SqliteRecordStore implements RecordStore {
  private readonly getStmt: Database.Statement<[string, string], Row>;
  private readonly insertStmt: Database.Statement<[string, string, string, string]>;
  private readonly updateStmt: Database.Statement<[string, string, string, string, string]>;
  private readonly upsertStmt: Database.Statement<[string, string, string, string]>;
  private readonly deleteStmt: Database.Statement<[string, string]>;
  private readonly deleteIfStmt: Database.Statement<[string, string, string]>;
  private readonly firstPageStmt: Database.Statement<[string, string, number], Row>;
  private readonly nextPageStmt: Database.Statement<[string, string, number], Row>;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT key, value, version FROM records WHERE collection = ? AND key = ?');
    this.insertStmt = db.prepare(
      'INSERT INTO records (collection, key, value, version) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.updateStmt = db.prepare(
      'UPDATE records SET value = ?, version = ? WHERE collection = ? AND key = ? AND version = ?',
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO records (collection, key, value, version) VALUES (?, ?, ?, ?)
       ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, version = excluded.version`,
    );
    this.deleteStmt = db.prepare('DELETE FROM records WHERE collection = ? AND key = ?');
    this.deleteIfStmt = db.prepare('DELETE FROM records WHERE collection = ? AND key = ? AND version = ?');
    this.firstPageStmt = db.prepare(
      'SELECT key, value, version FROM records WHERE collection = ? AND key >= ? ORDER BY key LIMIT ?',
    );
    this.nextPageStmt = db.prepare(
      'SELECT key, value, version FROM records WHERE collection = ? AND key > ? ORDER BY key LIMIT ?',
    );
  }

  async get<T>(collection: string, key: string): Promise<StoredRecord<T> | undefined> {
    const row = this.getStmt.get(collection, key);
    return row && { key: row.key, value: JSON.parse(row.value) as T, version: row.version };
  }

  async put<T>(collection: string, key: string, value: T, options: PutOptions = {}): Promise<string> {
    const json = toJson(value, `${collection}/${key}`);
    const version = newVersion();
    if (options.ifAbsent && options.ifVersion !== undefined) {
      throw new TypeError('put: pass ifAbsent or ifVersion, not both.');
    }
    if (options.ifAbsent) {
      if (this.insertStmt.run(collection, key, json, version).changes === 0) {
        throw new VersionConflictError(collection, key);
      }
    } else if (options.ifVersion !== undefined) {
      if (this.updateStmt.run(json, version, collection, key, options.ifVersion).changes === 0) {
        throw new VersionConflictError(collection, key);
      }
    } else {
      this.upsertStmt.run(collection, key, json, version);
    }
    return version;
  }

  async delete(collection: string, key: string, options: { ifVersion?: string } = {}): Promise<void> {
    if (options.ifVersion === undefined) {
      this.deleteStmt.run(collection, key);
    } else if (this.deleteIfStmt.run(collection, key, options.ifVersion).changes === 0) {
      throw new VersionConflictError(collection, key);
    }
  }

  async *list<T>(
    collection: string,
    options: { prefix?: string; limit?: number } = {},
  ): AsyncIterable<StoredRecord<T>> {
    const prefix = options.prefix ?? '';
    let remaining = options.limit ?? Infinity;
    // Keyset paging: better-sqlite3 cannot keep a cursor open across the awaits of our caller. Keys sharing a
    // prefix are contiguous in key order, so the scan starts at the prefix and stops at the first key without it.
    let rows = this.firstPageStmt.all(collection, prefix, PAGE);
    while (remaining > 0) {
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) return;
        yield { key: row.key, value: JSON.parse(row.value) as T, version: row.version };
        if (--remaining <= 0) return;
      }
      if (rows.length < PAGE) return;
      rows = this.nextPageStmt.all(collection, rows[rows.length - 1].key, PAGE);
    }
  }
}
