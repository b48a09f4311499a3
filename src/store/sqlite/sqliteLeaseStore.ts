/** LeaseStore on SQLite: one row per lease name; every decision is one IMMEDIATE transaction. */
import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../clock';
import type { Lease, LeaseStore } from '../ports';

interface LeaseRow {
  owner: string;
  fencing_token: number;
  expires_at: number;
}

export class SqliteLeaseStore implements LeaseStore {
  private readonly acquireTx: Database.Transaction<(name: string, owner: string, ttlMs: number) => Lease | undefined>;
  private readonly renewStmt: Database.Statement<[number, string, string, number]>;
  private readonly releaseStmt: Database.Statement<[string, string, number]>;

  /** `clock` decides when a lease runs out, so tests move time instead of waiting. */
  constructor(
    db: Database.Database,
    private readonly clock: Clock = systemClock,
  ) {
    const read = db.prepare<[string], LeaseRow>('SELECT owner, fencing_token, expires_at FROM leases WHERE name = ?');
    const write = db.prepare<[string, string, number, number]>(
      `INSERT INTO leases (name, owner, fencing_token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, fencing_token = excluded.fencing_token,
         expires_at = excluded.expires_at`,
    );
    this.acquireTx = db.transaction((name: string, owner: string, ttlMs: number) => {
      const now = this.clock.now().getTime();
      const row = read.get(name);
      let token: number;
      if (!row) token = 1;
      // Nobody else held it since our last acquisition: our earlier writes cannot conflict, keep the token.
      else if (row.owner === owner) token = row.fencing_token;
      else if (row.expires_at > now) return undefined;
      else token = row.fencing_token + 1;
      const expiresAt = now + ttlMs;
      write.run(name, owner, token, expiresAt);
      return { name, owner, fencingToken: token, expiresAt };
    });
    this.renewStmt = db.prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ? AND fencing_token = ?');
    this.releaseStmt = db.prepare(
      'UPDATE leases SET expires_at = 0 WHERE name = ? AND owner = ? AND fencing_token = ?',
    );
  }

  async acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    return this.acquireTx.immediate(name, owner, ttlMs);
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    const expiresAt = this.clock.now().getTime() + ttlMs;
    const changed = this.renewStmt.run(expiresAt, lease.name, lease.owner, lease.fencingToken).changes;
    return changed > 0 ? { ...lease, expiresAt } : undefined;
  }

  async release(lease: Lease): Promise<void> {
    this.releaseStmt.run(lease.name, lease.owner, lease.fencingToken);
  }
}
