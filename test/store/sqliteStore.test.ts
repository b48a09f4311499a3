/** The store conformance suite on a real SQLite file, plus what only the SQLite adapter promises. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AdjustableClock } from '../../src/clock';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import { migrations } from '../../src/store/sqlite/migrations';
import { runStoreConformance } from './conformance';

const dir = mkdtempSync(join(tmpdir(), 'connection-ops-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clock = new AdjustableClock();
runStoreConformance('sqlite', {
  open: async (space) => openSqliteStore({ file: join(dir, `${space}.sqlite`), clock }),
  leaseTtlMs: 1000,
  clock,
});

describe('sqlite: file and schema', () => {
  it('creates the data folder, uses WAL and records the applied migrations', async () => {
    const file = join(dir, 'nested', 'folder', 'store.sqlite');
    const store = openSqliteStore({ file });
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      expect(versions).toEqual(migrations.map((m) => ({ version: m.version })));
    } finally {
      db.close();
    }
  });

  it('reopens an up-to-date file without re-applying migrations', async () => {
    const file = join(dir, 'twice.sqlite');
    await openSqliteStore({ file }).close();
    const store = openSqliteStore({ file });
    await store.records.put('c', 'k', { ok: true });
    await store.close();
  });

  it('refuses a file written by a newer schema instead of corrupting it', async () => {
    const file = join(dir, 'future.sqlite');
    await openSqliteStore({ file }).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(999, 'later');
    db.close();
    expect(() => openSqliteStore({ file })).toThrow(/schema version 999/);
  });

  it('refuses changes to audit rows even through raw SQL', async () => {
    const file = join(dir, 'audit.sqlite');
    const store = openSqliteStore({ file });
    await store.audit.append({ actor: 'u', action: 'a', subject: 's', outcome: 'info' });
    await store.close();
    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE audit SET subject = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});
