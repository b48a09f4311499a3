/**
 * What one scan tells people: per recipient, the ledger's diff (what is new, worse or resolved for them), a digest
 * card for whoever has something, queued in the outbox, then the ledger committed. Also keeps the history
 * ([Show more] digests, delivery receipts) to HISTORY_DAYS.
 */
import type { DirectoryPort } from '../../tenant/ports';
import type { RecordStore } from '../../store/ports';
import type { ScanDelivery } from '../scan/scanResult';
import type { TenantScan } from '../scan/tenantScanner';
import type { DeliveryOutbox } from './deliveryOutbox';
import { buildDigest, digestReply, DIGESTS, type DigestArchive } from './digest';
import { withheldButtons } from './digestButtons';
import type { NotificationLedger } from './ledger';
import type { Recipient } from './recipients';

/** How long digests (for paging) and delivery receipts are kept. */
const HISTORY_DAYS = 30;

export interface ScanDigestsDependencies {
  records: RecordStore;
  ledger: NotificationLedger;
  digests: DigestArchive;
  outbox: DeliveryOutbox;
  /** For the UPN of a recipient the scan did not meet, and the owners of an app the scan did not read. */
  directory: Pick<DirectoryPort, 'getUser' | 'listOwnerIdsOfApplications'>;
}

export interface DigestRun {
  scan: TenantScan;
  scanId: string;
  now: Date;
  /** A dry run compares with the ledger but writes, queues and sends nothing. */
  dryRun: boolean;
  /** Called before anything is written; throws to stop a scan that no longer may write (its lease was taken). */
  beforeWrite?: () => Promise<void>;
}

export class ScanDigests {
  constructor(private readonly deps: ScanDigestsDependencies) {}

  /** One recipient: returns what was (or in a dry run would be) sent, or undefined when nothing is new for them. */
  async notify(recipient: Recipient, run: DigestRun): Promise<ScanDelivery | undefined> {
    const { scan, scanId, now, dryRun } = run;
    const diff = await this.deps.ledger.diff({
      recipient: recipient.key,
      findings: recipient.findings,
      thresholds: recipient.thresholds,
      scopeOf: scan.scopeOf,
      checkedScopes: scan.checkedScopes,
      scanId,
      now,
    });
    const hasNews = diff.changes.length > 0 || diff.resolved.length > 0;
    const withheld = hasNews
      ? await withheldButtons(
          recipient,
          diff.changes.map((c) => c.finding),
          {
            appOwners: scan.appOwners,
            users: scan.users,
            readOwners: (ids) => this.deps.directory.listOwnerIdsOfApplications(ids),
          },
        )
      : undefined;
    const digest = hasNews
      ? buildDigest({
          id: `${scanId}|${recipient.key}`,
          diff,
          audience: recipient.audience,
          partial: scan.partial,
          withheld,
        })
      : undefined;
    const reply = digest ? digestReply(digest) : undefined;
    if (!dryRun) {
      await run.beforeWrite?.();
      if (digest && reply) {
        await this.deps.digests.save(digest);
        await this.deps.outbox.enqueue({ scanId, recipient: recipient.key, target: recipient.target, reply });
      }
      // After queuing: a crash in between re-notifies next time rather than losing a notification.
      await this.deps.ledger.commit(diff);
    }
    if (!reply) return undefined;
    return { to: await this.addressOf(recipient, scan), text: reply.text ?? '', cards: reply.cards };
  }

  /** Digests (for [Show more]) and delivery receipts are kept HISTORY_DAYS, then dropped. */
  async pruneHistory(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString();
    const records = this.deps.records;
    const old: string[] = [];
    // Digest ids start with the scan's ISO time, so key order is time order.
    for await (const r of records.list(DIGESTS)) {
      if (r.key >= cutoff) break;
      old.push(r.key);
    }
    for (const key of old) await records.delete(DIGESTS, key);
    await this.deps.ledger.pruneReceipts(cutoff);
  }

  private async addressOf(recipient: Recipient, scan: TenantScan): Promise<string> {
    if (!('userId' in recipient.target)) return recipient.target.conversationKey;
    const id = recipient.target.userId;
    const known = scan.users.get(id.toLowerCase());
    if (known) return known.userPrincipalName;
    const user = await this.deps.directory.getUser(id).catch(() => undefined);
    return user?.userPrincipalName ?? id;
  }
}
