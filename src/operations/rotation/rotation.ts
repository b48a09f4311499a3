/**
 * The rotation saga's persisted state (collection `rotations`, key = rotation id). Each step writes its outcome
 * here, with a conditional put, before the next step starts, so a restart at any point resumes from the record.
 * There is deliberately no field for the secret: it lives only in process memory and in Key Vault.
 */

export type RotationState =
  /** Recorded; nothing changed in the tenant yet. */
  | 'created'
  /** Step 1: the attempt number is recorded before each addPassword call. */
  | 'addingPassword'
  /** Step 2: the new credential exists (keyId recorded); its secret is only in the memory of the process that added it. */
  | 'storingSecret'
  /** Step 3: Key Vault holds the secret (version recorded). */
  | 'verifying'
  /** Step 4: per-connection progress in `connections`. */
  | 'updatingConnections'
  /** Step 5: every connection uses the new secret; the old credentials go after `notBefore`. */
  | 'waiting'
  /** Step 2 or 3 failed: the new credential is being removed, the old one kept. Ends in `failed`. */
  | 'compensating'
  | 'done'
  | 'failed'
  | 'needsAttention';

/** States after which advanceRotation changes nothing more (waiting resumes once `notBefore` has passed). */
export const FINAL_STATES: readonly RotationState[] = ['done', 'failed', 'needsAttention'];

export interface RotationConnection {
  environmentId: string;
  connector: string;
  connectionName: string;
  displayName: string;
  outcome: 'pending' | 'updated' | 'failed';
  /** Plain words when the update failed. */
  error?: string;
}

export interface Rotation {
  id: string;
  approvalId: string;
  requestedBy: string;
  appObjectId: string;
  appId: string;
  appDisplayName: string;
  state: RotationState;
  createdAt: string;
  updatedAt: string;
  /** Password credentials that existed before this rotation: removed at the end, after the grace period. */
  oldKeyIds?: string[];
  removedOldKeyIds: string[];
  /** addPassword calls made so far; each carries its number in the credential's display name. */
  attempt: number;
  newKeyId?: string;
  newEndDateTime?: string;
  vaultSecretName: string;
  vaultVersion?: string;
  verifiedAt?: string;
  /** Undefined until step 4 has listed the connections that authenticate as this app. */
  connections?: RotationConnection[];
  /** For `waiting`: when the old credentials may be removed (ISO). */
  notBefore?: string;
  /** Plain words for failed / needsAttention (and the cause while compensating). */
  reason?: string;
  /**
   * Set when an approver, told that no connection to switch was found while something still seemed to use this app,
   * asked to go on ([Retry the switch]): a second look that again finds no connection then proceeds.
   */
  noConnectionConfirmedBy?: string;
}
