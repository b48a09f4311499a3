/**
 * Part of compensation, when the new secret had reached Key Vault before the rotation failed (Entra never accepted
 * it, or its version vanished): the vault must not go on serving a secret whose credential was just removed — an
 * app or a person reading the latest version of `sp-<appId>` would get a dead secret. So the vault is put back the
 * way the rotation found it: if an enabled version came before ours, its value is written again as the latest
 * (tagged `restoredFrom` and `replaces`), and our version is disabled either way (Key Vault refuses to return a
 * disabled version). A newer version somebody else wrote after ours is left alone. Safe to run again after a crash:
 * a latest version that `replaces` ours means the restore is done.
 */
import type { RotationRun } from '../rotationRun';

export async function withdrawFromVault(run: RotationRun): Promise<void> {
  const { vaultSecretName: name, vaultVersion: withdrawn } = run.rotation;
  if (!withdrawn) return;
  const vault = run.ctx.tenant.vault;
  const versions = await vault.listSecretVersions(name);
  const ours = versions.findIndex((v) => v.version === withdrawn);
  if (ours < 0) return; // gone already: nothing serves it
  const latest = versions[0];
  let restored: string | undefined;
  if (ours === 0) {
    const previous = versions.slice(1).find((v) => v.enabled);
    const value = previous ? await vault.getSecretValue(name, previous.version) : undefined;
    if (previous && value !== undefined) {
      ({ version: restored } = await vault.setSecret(name, value, {
        expiresOn: previous.expiresOn,
        contentType: previous.contentType,
        tags: { ...previous.tags, restoredFrom: previous.version, replaces: withdrawn },
      }));
    }
  } else if (latest.tags.replaces === withdrawn) {
    restored = latest.version;
  }
  if (versions[ours].enabled) await vault.disableSecretVersion(name, withdrawn);
  await run.audit('withdrawFromVault', 'info', { disabledVersion: withdrawn, restoredVersion: restored ?? null });
}
