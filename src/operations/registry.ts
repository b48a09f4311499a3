/**
 * The one list of operation kinds the approvals layer knows. A new kind is a folder with its definition.ts
 * (see operationKind.ts) and one line in `builtInOperations`; tests may register more through compose().
 */
import { handoverOperation } from './handover/definition';
import type { HandoverOptions } from './handover/handoverOptions';
import type { OperationKind, OperationPayload, RequestStart } from './operationKind';
import { repointOperation } from './repoint/definition';
import type { RepointOptions } from './repoint/repointOptions';
import { rotationOperation } from './rotation/definition';
import type { RotationOptions } from './rotation/rotationOptions';
import { shareOperation } from './share/definition';

export class UnknownOperationKindError extends Error {
  readonly code = 'UnknownOperationKind';
  constructor(kind: string) {
    super(`No operation of kind "${kind}" is registered; this request cannot be shown or run by this version.`);
    this.name = 'UnknownOperationKindError';
  }
}

export class OperationRegistry {
  private readonly kinds = new Map<string, OperationKind>();

  constructor(kinds: readonly OperationKind[]) {
    for (const kind of kinds) this.add(kind);
  }

  /** A copy with more kinds (a kind, a job type or a request verb may be registered only once). */
  with(...kinds: OperationKind[]): OperationRegistry {
    return new OperationRegistry([...this.kinds.values(), ...kinds]);
  }

  /** The module of a stored request's operation. */
  of(operation: OperationPayload): OperationKind {
    const found = this.kinds.get(operation.kind);
    if (!found) throw new UnknownOperationKindError(operation.kind);
    return found;
  }

  all(): OperationKind[] {
    return [...this.kinds.values()];
  }

  /** Every card verb that starts a request of some kind (for a catalogue of the verbs the bot answers). */
  requestVerbs(): string[] {
    return this.all().flatMap((kind) => Object.keys(kind.requests ?? {}));
  }

  /** The card button that starts a request, when `verb` is one. */
  requestStart(verb: string): RequestStart<OperationPayload> | undefined {
    for (const kind of this.kinds.values()) {
      const start = kind.requests?.[verb];
      if (start) return start;
    }
    return undefined;
  }

  private add(kind: OperationKind): void {
    const clash = [...this.kinds.values()].find(
      (k) =>
        k.kind === kind.kind ||
        k.job === kind.job ||
        Object.keys(kind.requests ?? {}).some((verb) => k.requests?.[verb] !== undefined),
    );
    if (clash) throw new Error(`Operation kind "${kind.kind}" clashes with "${clash.kind}" (kind, job or verb).`);
    this.kinds.set(kind.kind, kind);
  }
}

export interface BuiltInOperationsOptions {
  /** Rotation saga settings (tests shorten its lease and polling). */
  rotation?: RotationOptions;
  /** Handover run settings (tests stop it at a chosen step). */
  handover?: HandoverOptions;
  /** Re-point job settings (tests shorten its lease and stop it at chosen points). */
  repoint?: RepointOptions;
}

export function builtInOperations(options: BuiltInOperationsOptions = {}): OperationRegistry {
  return new OperationRegistry([
    shareOperation,
    rotationOperation(options.rotation),
    handoverOperation(options.handover),
    repointOperation(options.repoint),
  ]);
}
