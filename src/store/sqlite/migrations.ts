/**
 * The SQLite schema as numbered migrations. Opening a store applies the missing ones in one transaction, so a
 * crash mid-upgrade leaves the previous schema intact. Never edit a shipped migration: append a new one.
 */
import type Database from 'better-sqlite3';

interface Migration {
  version: number;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE records (
        collection TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (collection, key)
      ) WITHOUT ROWID;

      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        subject TEXT NOT NULL,
        entry TEXT NOT NULL
      );
      CREATE INDEX audit_at ON audit (at, seq);
      CREATE INDEX audit_subject ON audit (subject, at, seq);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        visible_at INTEGER NOT NULL,
        dequeue_count INTEGER NOT NULL DEFAULT 0,
        receipt TEXT,
        poisoned INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX jobs_visible ON jobs (poisoned, visible_at, seq);
      -- Every id ever enqueued, so that enqueueing the same id again stays a no-op after the job completed.
      CREATE TABLE job_ids (id TEXT PRIMARY KEY) WITHOUT ROWID;

      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        fencing_token INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE bot_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        etag TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export function applyMigrations(db: Database.Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const upgrade = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
    const current = row.version ?? 0;
    const latest = migrations[migrations.length - 1].version;
    if (current > latest) {
      throw new Error(
        `The store ${file} has schema version ${current}, newer than this build knows (${latest}); run a newer build or restore a backup.`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const migration of migrations.filter((m) => m.version > current)) {
      db.exec(migration.sql);
      record.run(migration.version, new Date().toISOString());
    }
  });
  // IMMEDIATE: two processes opening a fresh file at once must not both run migration 1.
  upgrade.immediate();
}
