/**
 * Storage ports. Domain folders build their typed repositories (approvals, sagas, subscriptions, ledger…) on
 * these few primitives, and both adapters (SQLite, Azure Storage) implement them and pass one conformance
 * suite. Every write that two instances can race on is conditional: a stale `version` makes it fail with
 * VersionConflictError, never silently overwrite.
 */
import { BotError } from '../tenant/errors';

/** A JSON document with the store's concurrency token. */
export interface StoredRecord<T> {
  key: string;
  value: T;
  /** Opaque version (SQLite row version, Azure ETag). Pass it back to update conditionally. */
  version: string;
}

export interface PutOptions {
  /** Write only if the record still has this version. */
  ifVersion?: string;
  /** Write only if no record exists under the key. */
  ifAbsent?: boolean;
}

export class VersionConflictError extends BotError {
  constructor(
    readonly collection: string,
    readonly key: string,
    message = `The ${collection} record "${key}" was changed by someone else; reload it and try again.`,
  ) {
    super('store.versionConflict', message);
    this.name = 'VersionConflictError';
  }
}

/** Collections of JSON records addressed by key (approvals, sagas, conversation references, ledger entries…). */
export interface RecordStore {
  get<T>(collection: string, key: string): Promise<StoredRecord<T> | undefined>;
  /** Returns the new version. Throws VersionConflictError when a condition fails. */
  put<T>(collection: string, key: string, value: T, options?: PutOptions): Promise<string>;
  delete(collection: string, key: string, options?: { ifVersion?: string }): Promise<void>;
  /** All records of a collection whose key starts with `prefix` (default all), in key order. */
  list<T>(collection: string, options?: { prefix?: string; limit?: number }): AsyncIterable<StoredRecord<T>>;
}

export interface AuditEntry {
  /** ISO time, set by the store when absent. */
  at?: string;
  /** Who acted: an Entra object id, or "system". */
  actor: string;
  /** What happened, e.g. "approval.requested", "rotation.step.addPassword", "approval.refused". */
  action: string;
  /** What it is about, e.g. an app display name or a connection id. */
  subject: string;
  outcome: 'success' | 'failure' | 'refused' | 'info';
  correlationId?: string;
  details?: Record<string, string | number | boolean | null>;
}

/** Append-only: no update, no delete. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Oldest first; `since` is inclusive. */
  list(options?: {
    subject?: string;
    since?: string;
    limit?: number;
  }): AsyncIterable<Required<Pick<AuditEntry, 'at'>> & AuditEntry>;
}

export interface QueuedJob<T = unknown> {
  id: string;
  type: string;
  payload: T;
  /** How many times it has been handed out (1 on the first delivery). */
  dequeueCount: number;
  /** Pass back to complete/extend; invalid after the visibility timeout expires. */
  receipt: string;
}

/** Deliveries without completion after which a job is moved to the poison list (on the next receive). */
export const MAX_DELIVERIES = 5;

/** complete/extend with a receipt that another receive has since replaced: someone else now owns the job. */
export class JobReceiptExpiredError extends BotError {
  constructor(readonly jobId: string) {
    super(
      'store.jobReceiptExpired',
      `Job "${jobId}" was handed to another worker after its visibility timeout; let that worker finish it.`,
    );
    this.name = 'JobReceiptExpiredError';
  }
}

/** At-least-once job queue with visibility timeouts; handlers must be idempotent. */
export interface JobQueue {
  enqueue<T>(type: string, payload: T, options?: { delayMs?: number; id?: string }): Promise<string>;
  /** Hands out up to `max` visible jobs, hiding each for visibilityTimeoutMs. */
  receive(options: { max?: number; visibilityTimeoutMs: number }): Promise<QueuedJob[]>;
  /** No-op when the job is already gone; JobReceiptExpiredError when another receive took it over. */
  complete(job: QueuedJob): Promise<void>;
  /** Keeps a long job invisible for longer (from now); `0` hands it back to the queue at once. */
  extend(job: QueuedJob, visibilityTimeoutMs: number): Promise<QueuedJob>;
  /**
   * Jobs handed out MAX_DELIVERIES times without completing are moved here; all of them are listed (on Azure, a
   * listing at the same moment as another instance's may miss the ones that one holds; that one lists them).
   */
  listPoison(): Promise<QueuedJob[]>;
}

/** The owner string identifies one process: two processes must never share it. */
export interface Lease {
  name: string;
  owner: string;
  /** Increases on every new acquisition: writes guarded by a lease carry it so a stale holder is fenced off. */
  fencingToken: number;
  expiresAt: number;
}

/**
 * Named leases (scanner leader, saga runner). Acquiring a lease nobody else held since your last one keeps your
 * fencing token; taking it from someone else increments it. Renew succeeds only while nobody else has taken it.
 * Azure blob leases last 15–60 s, so there the returned expiresAt may be shorter or longer than the ttl asked for.
 */
export interface LeaseStore {
  acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  renew(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  release(lease: Lease): Promise<void>;
}

/**
 * Raised by StoreItemsStorage.write on an eTag mismatch: a version conflict on the bot's turn state, worded with
 * botbuilder MemoryStorage's message.
 */
export class ETagConflictError extends VersionConflictError {
  constructor(key: string) {
    super('botState', key, `Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/**
 * Key/value with eTags in the shape of Bot Framework's Storage interface (read/write/delete of StoreItems with
 * `eTag`), so src/app can hand it to teams-ai for turn state without this folder importing botbuilder.
 */
export interface StoreItemsStorage {
  read(keys: string[]): Promise<Record<string, Record<string, unknown>>>;
  write(changes: Record<string, Record<string, unknown>>): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** One store = all ports, opened and closed together. */
export interface Store {
  records: RecordStore;
  audit: AuditLog;
  jobs: JobQueue;
  leases: LeaseStore;
  botState: StoreItemsStorage;
  /** Cheap round-trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
