/**
 * One advanceRotation call in progress: the current record and its version, conditional saves, audit entries,
 * and the one place the new secret is held — a private field of this object, gone when the call ends (or the
 * process dies), which is exactly the lifetime the saga allows it outside Key Vault.
 */
import type { DomainContext } from '../../context';
import { registerSecretValue, scrubSecrets } from '../../logging/logger';
import type { AuditEntry, StoredRecord } from '../../store/ports';
import { describeError } from '../../tenant/errors';
import type { OperationStep } from '../operationSteps';
import type { Rotation } from './rotation';
import type { ResolvedRotationOptions } from './rotationOptions';
import { ROTATIONS } from './rotationRepository';
import { rotationSteps } from './rotationSteps';

/** Where the saga's step list goes (the approval's cards): RunControls.steps. */
export type StepReporter = (steps: OperationStep[]) => Promise<void>;

type AuditDetails = Record<string, string | number | boolean | null>;

export class RotationRun {
  private secret?: { keyId: string; value: string };

  constructor(
    readonly ctx: DomainContext,
    readonly options: ResolvedRotationOptions,
    private current: StoredRecord<Rotation>,
    private readonly reporter?: StepReporter,
  ) {}

  get rotation(): Rotation {
    return this.current.value;
  }

  get version(): string {
    return this.current.version;
  }

  /** Conditional write: a VersionConflictError means another runner moved the saga on, and this one must stop. */
  async save(patch: Partial<Rotation>): Promise<Rotation> {
    const next: Rotation = { ...this.current.value, ...patch, updatedAt: this.ctx.clock.now().toISOString() };
    await this.options.hooks.beforeSave?.(next);
    const version = await this.ctx.store.records.put(ROTATIONS, next.id, next, { ifVersion: this.current.version });
    this.current = { key: next.id, value: next, version };
    await this.options.hooks.afterSave?.(next);
    await this.reportSteps();
    return next;
  }

  /** The step list as the record has it now; `waitingForEntra` while the new secret is tried against Entra. */
  async reportSteps(waitingForEntra = false): Promise<void> {
    if (!this.reporter) return;
    await this.reporter(
      rotationSteps(this.rotation, { waitingForEntra, verifyTimeoutMs: this.options.verify.timeoutMs }),
    );
  }

  /** Keeps the secret of credential `keyId` for the rest of this call, and out of every log line from now on. */
  holdSecret(keyId: string, value: string): void {
    registerSecretValue(value);
    this.secret = { keyId, value };
  }

  heldSecret(keyId: string | undefined): string | undefined {
    return keyId !== undefined && this.secret?.keyId === keyId ? this.secret.value : undefined;
  }

  dropSecret(): void {
    this.secret = undefined;
  }

  async audit(action: string, outcome: AuditEntry['outcome'], details: AuditDetails = {}): Promise<void> {
    await this.ctx.store.audit.append({
      actor: 'system',
      action: `rotation.${action}`,
      subject: this.rotation.appDisplayName,
      outcome,
      correlationId: this.rotation.id,
      details: { appId: this.rotation.appId, ...details },
    });
  }

  /** An error in plain words (the catalogue's short form), safe to store: this call's secret is scrubbed out too. */
  describe(error: unknown): string {
    let text = describeError(error).short;
    if (this.secret) text = text.split(this.secret.value).join('[REDACTED]');
    return scrubSecrets(text).slice(0, 500);
  }
}
