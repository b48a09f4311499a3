/** Append-only AuditLog on SQLite; triggers refuse UPDATE and DELETE on the table itself. */
import type Database from 'better-sqlite3';
import { auditTime } from '../auditTime';
import type { AuditEntry, AuditLog } from '../ports';

type ListedEntry = Required<Pick<AuditEntry, 'at'>> & AuditEntry;

const PAGE = 200;

export class SqliteAuditLog implements AuditLog {
  private readonly insertStmt: Database.Statement<[string, string, string]>;
  private readonly pageStmt: Database.Statement<
    { subject: string | null; since: string | null; afterAt: string; afterSeq: number; limit: number },
    { seq: number; at: string; entry: string }
  >;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare('INSERT INTO audit (at, subject, entry) VALUES (?, ?, ?)');
    this.pageStmt = db.prepare(
      `SELECT seq, at, entry FROM audit
       WHERE (@subject IS NULL OR subject = @subject) AND (@since IS NULL OR at >= @since)
         AND (at > @afterAt OR (at = @afterAt AND seq > @afterSeq))
       ORDER BY at, seq LIMIT @limit`,
    );
  }

  async append(entry: AuditEntry): Promise<void> {
    const at = auditTime(entry.at);
    this.insertStmt.run(at, entry.subject, JSON.stringify({ ...entry, at }));
  }

  async *list(options: { subject?: string; since?: string; limit?: number } = {}): AsyncIterable<ListedEntry> {
    const since = options.since === undefined ? null : auditTime(options.since);
    let remaining = options.limit ?? Infinity;
    let afterAt = '';
    let afterSeq = 0;
    while (remaining > 0) {
      const rows = this.pageStmt.all({ subject: options.subject ?? null, since, afterAt, afterSeq, limit: PAGE });
      for (const row of rows) {
        yield JSON.parse(row.entry) as ListedEntry;
        if (--remaining <= 0) return;
      }
      if (rows.length < PAGE) return;
      afterAt = rows[rows.length - 1].at;
      afterSeq = rows[rows.length - 1].seq;
    }
  }
}
