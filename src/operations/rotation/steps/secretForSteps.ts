/**
 * Steps 3 and 4 need the new secret. This call holds it if it ran step 1; after a restart it is read back from
 * the Key Vault version recorded in step 2 (into memory only, and registered with the logger's scrubber).
 */
import type { RotationRun } from '../rotationRun';

export async function secretForSteps(run: RotationRun): Promise<string | undefined> {
  const { rotation } = run;
  const held = run.heldSecret(rotation.newKeyId);
  if (held !== undefined) return held;
  const value = await run.ctx.tenant.vault.getSecretValue(rotation.vaultSecretName, rotation.vaultVersion);
  if (value === undefined || rotation.newKeyId === undefined) return undefined;
  run.holdSecret(rotation.newKeyId, value);
  return value;
}
