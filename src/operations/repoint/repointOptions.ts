/**
 * Tuning of one re-point run. Tests shorten the lease (so a killed process's run is taken over soon) and use the
 * hooks to stop the run at a chosen point, as a killed process would.
 */
import type { RepointSaga } from './repointSaga';

export interface RepointHooks {
  /** Called before each write of the record; throwing here models a process that dies just before it. */
  beforeSave?: (next: RepointSaga) => void | Promise<void>;
  /** Called after each write of the record; throwing here models a process that dies just after it. */
  afterSave?: (saved: RepointSaga) => void | Promise<void>;
}

export interface RepointOptions {
  /** Lease `repoint:<approval id>` held while running, renewed after each step (default 2 min). */
  leaseTtlMs?: number;
  /** Identifies this process for the lease; defaults to a random id per run. */
  owner?: string;
  hooks?: RepointHooks;
}
