/** Tuning of a handover run; tests use the hooks to stop it at a chosen point, as a killed process would. */
export interface HandoverOptions {
  /** Lease `handover:<approval id>` held while running, renewed between steps (default 2 min). */
  leaseTtlMs?: number;
  hooks?: {
    /** Called right after a step's change was made in the tenant and before it is recorded: throw to "crash" there. */
    afterChange?: (step: string) => void | Promise<void>;
  };
}
