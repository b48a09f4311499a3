import {
  credentialDisplayName,
  isOwnCredential,
  rotationIdFor,
  vaultSecretName,
} from '../../../src/operations/rotation/rotationNames';

test('the same approval always yields the same rotation id, different approvals different ids', () => {
  expect(rotationIdFor('approval-1')).toBe(rotationIdFor('approval-1'));
  expect(rotationIdFor('approval-1')).not.toBe(rotationIdFor('approval-2'));
});

test('a credential of any attempt of this rotation is recognised, and only of this rotation', () => {
  const id = rotationIdFor('a');
  expect(credentialDisplayName(id, 1)).toBe(`ConnectionOps rotation ${id}`);
  expect(isOwnCredential(credentialDisplayName(id, 1), id)).toBe(true);
  expect(isOwnCredential(credentialDisplayName(id, 3), id)).toBe(true);
  expect(isOwnCredential(credentialDisplayName(rotationIdFor('b'), 1), id)).toBe(false);
  expect(isOwnCredential(`${credentialDisplayName(id, 1)}0`, id)).toBe(false);
  expect(isOwnCredential(undefined, id)).toBe(false);
});

test('the Key Vault secret name satisfies the vault name pattern', () => {
  expect(vaultSecretName('3f1b2c4d-0000-4000-8000-00000000abcd')).toBe('sp-3f1b2c4d-0000-4000-8000-00000000abcd');
  expect(vaultSecretName('odd_id.x')).toMatch(/^[0-9a-zA-Z-]+$/);
});
