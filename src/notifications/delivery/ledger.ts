/**
 * The memory of what each recipient was already told (collection `notificationLedger`, key
 * `<recipient>|<finding lineage>`), so a finding is notified once per threshold crossed and again only when it
 * gets worse, and a fixed finding is reported as resolved once. It also holds the delivery receipts
 * (`delivered|<recipient>|<scan id>`) that keep a digest from being sent twice. It lives in the store, so it
 * survives restarts and is shared by every instance.
 */
import type { Finding, Severity } from '../../connections/findings';
import type { RecordStore } from '../../store/ports';
import { compareToLedger, lineageOf, stageOf, type Stage } from './findingStage';

export const LEDGER = 'notificationLedger';

export interface LedgerEntry {
  lineage: string;
  findingId: string;
  stage: Stage;
  severity: Severity;
  subject: string;
  environment?: string;
  /** Scope the finding was found in: only a completely read scope can prove it fixed. */
  scope: string;
  scanId: string;
  at: string;
}

export interface RecipientDiff {
  recipient: string;
  /** New and worse findings, most urgent first, with why each is here. */
  changes: { finding: Finding; change: 'new' | 'worse'; stage: Stage }[];
  /** Findings still open and already told (counted, not repeated). */
  unchanged: Finding[];
  /** Previously told, now gone from a scope that was completely read. */
  resolved: LedgerEntry[];
  /** Ledger writes to make once the digest is safely queued. */
  writes: LedgerEntry[];
  deletes: string[];
}

export interface DiffInput {
  recipient: string;
  findings: Finding[];
  thresholds: number[];
  scopeOf: Map<string, string>;
  checkedScopes: Set<string>;
  scanId: string;
  now: Date;
}

export class NotificationLedger {
  constructor(private readonly records: RecordStore) {}

  async diff(input: DiffInput): Promise<RecipientDiff> {
    const previous = new Map<string, LedgerEntry>();
    for await (const record of this.records.list<LedgerEntry>(LEDGER, { prefix: `${input.recipient}|` })) {
      previous.set(record.value.lineage, record.value);
    }
    const diff: RecipientDiff = {
      recipient: input.recipient,
      changes: [],
      unchanged: [],
      resolved: [],
      writes: [],
      deletes: [],
    };
    const seen = new Set<string>();
    for (const finding of input.findings) {
      const stage = stageOf(finding, input.thresholds);
      if (!stage) continue;
      const lineage = lineageOf(finding);
      seen.add(lineage);
      const before = previous.get(lineage);
      const change = compareToLedger(before, { stage, severity: finding.severity });
      const entry: LedgerEntry = {
        lineage,
        findingId: finding.id,
        stage,
        severity: finding.severity,
        subject: finding.subject,
        environment: finding.environment,
        scope: input.scopeOf.get(finding.id) ?? 'unknown',
        scanId: input.scanId,
        at: input.now.toISOString(),
      };
      if (change === 'unchanged') {
        diff.unchanged.push(finding);
        // Remember an improvement too, so that getting worse again is news again.
        if (before && (before.stage !== stage || before.severity !== finding.severity)) diff.writes.push(entry);
      } else {
        diff.changes.push({ finding, change, stage });
        diff.writes.push(entry);
      }
    }
    for (const [lineage, entry] of previous) {
      if (seen.has(lineage) || !input.checkedScopes.has(entry.scope)) continue;
      diff.resolved.push(entry);
      diff.deletes.push(lineage);
    }
    return diff;
  }

  async commit(diff: RecipientDiff): Promise<void> {
    for (const entry of diff.writes) await this.records.put(LEDGER, `${diff.recipient}|${entry.lineage}`, entry);
    for (const lineage of diff.deletes) await this.records.delete(LEDGER, `${diff.recipient}|${lineage}`);
  }

  /** True once the digest of `scanId` reached `recipient`. */
  async delivered(recipient: string, scanId: string): Promise<boolean> {
    return (await this.records.get(LEDGER, `delivered|${recipient}|${scanId}`)) !== undefined;
  }

  /** Drops delivery receipts older than `beforeIso` (their scans' digests can no longer be re-queued). */
  async pruneReceipts(beforeIso: string): Promise<void> {
    const old: string[] = [];
    for await (const r of this.records.list<{ at: string }>(LEDGER, { prefix: 'delivered|' })) {
      if (r.value.at < beforeIso) old.push(r.key);
    }
    for (const key of old) await this.records.delete(LEDGER, key);
  }

  async markDelivered(recipient: string, scanId: string, at: Date): Promise<void> {
    await this.records.put(LEDGER, `delivered|${recipient}|${scanId}`, { at: at.toISOString() });
  }
}
