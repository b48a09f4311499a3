/**
 * Typed access to drafts and approvals in the RecordStore. Every change of an approval is a conditional write on
 * the version that was read (`update` retries on conflict with a fresh read), so concurrent clicks, duplicate
 * invokes and several instances agree on one history.
 */
import { VersionConflictError, type RecordStore, type StoredRecord } from '../store/ports';
import { APPROVALS, DRAFTS, type Approval, type Draft } from './approvalRecord';

/** What a change function decides after looking at the current record. */
export type Change<R> = { write: Approval; result: R } | { write?: undefined; result: R };

export class ApprovalRepository {
  constructor(private readonly records: RecordStore) {}

  async saveDraft(draft: Draft): Promise<void> {
    await this.records.put(DRAFTS, draft.id, draft, { ifAbsent: true });
  }

  async getDraft(id: string): Promise<Draft | undefined> {
    return (await this.records.get<Draft>(DRAFTS, id))?.value;
  }

  async get(id: string): Promise<Approval | undefined> {
    return (await this.records.get<Approval>(APPROVALS, id))?.value;
  }

  /** Creates the approval; false when one with this id exists already (a second [Send request]). */
  async create(approval: Approval): Promise<boolean> {
    try {
      await this.records.put(APPROVALS, approval.id, approval, { ifAbsent: true });
      return true;
    } catch (error) {
      if (error instanceof VersionConflictError) return false;
      throw error;
    }
  }

  /**
   * Reads the approval, lets `change` decide, and writes its decision only if nobody else wrote in between;
   * on a conflict it starts again from a fresh read, so `change` always judges the latest state.
   */
  async update<R>(id: string, change: (current: Approval) => Change<R> | Promise<Change<R>>): Promise<R | undefined> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const stored: StoredRecord<Approval> | undefined = await this.records.get<Approval>(APPROVALS, id);
      if (!stored) return undefined;
      const decided = await change(stored.value);
      if (!decided.write) return decided.result;
      try {
        await this.records.put(APPROVALS, id, decided.write, { ifVersion: stored.version });
        return decided.result;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    throw new Error(`The approval ${id} is changing too often to record this change; try again in a moment.`);
  }

  async *list(): AsyncIterable<Approval> {
    for await (const record of this.records.list<Approval>(APPROVALS)) yield record.value;
  }
}
