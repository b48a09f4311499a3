/**
 * The re-point job's persisted state (collection `repoints`, key = the approval id): one record per approved
 * request, written with a conditional put after each step and before the next side effect, so that a job delivered
 * again after a crash resumes where the record says (each step is also safe to repeat: steps/).
 * The previous binding of each reference is recorded before it is changed: that is what an undo puts back.
 */
import type { RecordStore, StoredRecord } from '../../store/ports';
import { VersionConflictError } from '../../store/ports';
import type { RepointOperation } from './repointOperation';

export const REPOINTS = 'repoints';

export type RepointState =
  /** Recorded; nothing read or changed yet. */
  | 'created'
  /** Which flows were on is recorded; references are being bound, one by one. */
  | 'binding'
  /** Every reference is bound (or refused); the flows that were on are being turned off and on. */
  | 'restarting'
  | 'done'
  /** Some step was refused by the service: what was done and what was not is in the record. */
  | 'needsAttention'
  /** No reference could be bound: nothing changed. */
  | 'failed';

export const FINAL_REPOINT_STATES: readonly RepointState[] = ['done', 'needsAttention', 'failed'];

export interface SagaReference {
  referenceId: string;
  logicalName: string;
  displayName: string;
  to: string | null;
  toName: string;
  /** The binding found just before the write (null: unbound); undefined until read. */
  previous?: string | null;
  previousName?: string;
  /**
   * rollingBack: a flow that uses it could not be turned on with the new connection, so it is being bound to
   * `previous` again (recorded before that write); rolledBack: it is on `previous` again.
   */
  outcome: 'pending' | 'bound' | 'failed' | 'rollingBack' | 'rolledBack';
  error?: string;
  /** Why it could not be put back on `previous` (e.g. the bot may not use a person's connection): not tried again. */
  rollBackRefused?: string;
}

export interface SagaFlow {
  flowId: string;
  displayName: string;
  referenceLogicalNames: string[];
  /** Whether it was on before anything was changed; undefined until read. */
  wasOn?: boolean;
  /**
   * restarted: off and on, verified; unchanged: already used the new bindings; leftOff: was off, stays off;
   * rolledBack: refused on the new connections, so on again with its references' previous ones; restored: turned
   * back on by the job's last delivery after it gave up (on whatever its references were bound to then); leftOn:
   * not turned off (a connection it would take is not ready, or another flow could not be turned on again), so it
   * runs on the connections it started with; failed: off, it could be turned on neither way.
   */
  outcome: 'pending' | 'restarted' | 'unchanged' | 'leftOff' | 'rolledBack' | 'restored' | 'leftOn' | 'failed';
  /** Why the new connections were refused (rolledBack), why it was left as it was (leftOn), or why it is off (failed). */
  error?: string;
}

export interface RepointSaga {
  id: string;
  approvalId: string;
  environmentId: string;
  solutionName: string;
  state: RepointState;
  references: SagaReference[];
  flows: SagaFlow[];
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** What was approved (the plan of the preview): an undo is built from it and the record. */
  operation: RepointOperation;
}

export function newSaga(approvalId: string, operation: RepointOperation, now: string): RepointSaga {
  return {
    id: approvalId,
    approvalId,
    environmentId: operation.environmentId,
    solutionName: operation.solutionName,
    state: 'created',
    references: operation.references.map((r) => ({
      referenceId: r.referenceId,
      logicalName: r.logicalName,
      displayName: r.displayName,
      to: r.to.name,
      toName: r.to.displayName,
      outcome: 'pending',
    })),
    flows: operation.flows.map((f) => ({
      flowId: f.flowId,
      displayName: f.displayName,
      referenceLogicalNames: f.referenceLogicalNames,
      outcome: 'pending',
    })),
    createdAt: now,
    updatedAt: now,
    operation,
  };
}

export function loadSaga(records: RecordStore, id: string): Promise<StoredRecord<RepointSaga> | undefined> {
  return records.get<RepointSaga>(REPOINTS, id);
}

/** Writes the record only if none exists under its id; returns whichever record is stored afterwards. */
export async function insertSaga(records: RecordStore, saga: RepointSaga): Promise<StoredRecord<RepointSaga>> {
  try {
    const version = await records.put(REPOINTS, saga.id, saga, { ifAbsent: true });
    return { key: saga.id, value: saga, version };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const existing = await loadSaga(records, saga.id);
    if (!existing) throw error;
    return existing;
  }
}
