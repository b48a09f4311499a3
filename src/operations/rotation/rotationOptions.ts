/**
 * Tuning of one advanceRotation call. Defaults suit a real tenant (Entra takes 4–18 s to accept a new secret);
 * tests shorten the polling and use the hooks to stop the saga at a chosen point, as a killed process would.
 */
import type { PollOptions } from './pollUntil';
import type { Rotation } from './rotation';

export interface RotationHooks {
  /** Called before each write of the record; throwing here models a process that dies just before it. */
  beforeSave?: (next: Rotation) => void | Promise<void>;
  /** Called after each write of the record; throwing here models a process that dies just after it. */
  afterSave?: (saved: Rotation) => void | Promise<void>;
}

export interface RotationOptions {
  /** Polling of the token endpoint with the new secret (default: up to 60 s, 1 s doubling to 8 s). */
  verify?: Partial<PollOptions>;
  /** Lease `rotation:<id>` held while advancing, renewed between steps (default 2 min). */
  leaseTtlMs?: number;
  /** Identifies this process for the lease; defaults to a random id per call. */
  owner?: string;
  hooks?: RotationHooks;
}

export interface ResolvedRotationOptions {
  verify: PollOptions;
  leaseTtlMs: number;
  owner?: string;
  hooks: RotationHooks;
}

export function resolveRotationOptions(options: RotationOptions = {}): ResolvedRotationOptions {
  return {
    verify: { timeoutMs: 60_000, initialDelayMs: 1_000, maxDelayMs: 8_000, ...options.verify },
    leaseTtlMs: options.leaseTtlMs ?? 120_000,
    owner: options.owner,
    hooks: options.hooks ?? {},
  };
}
