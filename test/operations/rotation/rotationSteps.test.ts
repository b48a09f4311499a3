/**
 * The rotation record as its cards' step list: where the saga stands is the record's state alone, so a run taken
 * over after a crash reports the same list; waiting for Entra says for how long so far (from the recorded start of
 * the step, at the time of the report) and what the bot will wait at most.
 */
import { stepLine } from '../../../src/operations/operationSteps';
import type { Rotation } from '../../../src/operations/rotation';
import { rotationSteps } from '../../../src/operations/rotation/rotationSteps';

const base: Rotation = {
  id: 'rot-1',
  approvalId: 'a-1',
  requestedBy: 'u',
  appObjectId: 'o',
  appId: 'app',
  appDisplayName: 'D365-App-Registration',
  state: 'created',
  createdAt: '2026-12-04T10:00:00.000Z',
  updatedAt: '2026-12-04T10:00:00.000Z',
  removedOldKeyIds: [],
  attempt: 0,
  vaultSecretName: 's',
};
const lines = (rotation: Partial<Rotation>, waitingForEntra = false, at = '2026-12-04T10:00:40.000Z'): string[] =>
  rotationSteps({ ...base, ...rotation }, { waitingForEntra, verifyTimeoutMs: 120_000 }).map((s) =>
    stepLine(s, new Date(at)),
  );

test('waiting for Entra: how long so far, counted from when the record entered the step', () => {
  expect(lines({ state: 'verifying', newKeyId: 'k' }, true)).toEqual([
    '✓ Create a new client secret',
    '✓ Store it in Key Vault',
    '⏳ Waiting for Entra to accept the new secret — 40 s so far, the bot waits up to 2 min',
    '○ Switch the connections to the new secret',
    '○ Remove the old secret',
  ]);
});

test('switching connections says how many are finished; a failed switch is marked on that step', () => {
  const connections: Rotation['connections'] = [
    { environmentId: 'e', connector: 'c', connectionName: 'n1', displayName: 'A', outcome: 'updated' },
    { environmentId: 'e', connector: 'c', connectionName: 'n2', displayName: 'B', outcome: 'pending' },
  ];
  expect(lines({ state: 'updatingConnections', connections })[3]).toBe(
    '▶ Switch the connections to the new secret — 1 of 2 connections',
  );
  const failed = connections.map((c) => ({ ...c, outcome: 'failed' as const }));
  expect(lines({ state: 'needsAttention', connections: failed })).toEqual([
    '✓ Create a new client secret',
    '✓ Store it in Key Vault',
    '✓ Check that Microsoft Entra accepts it',
    '✗ Switch the connections to the new secret — 2 of 2 connections',
    '○ Remove the old secret',
  ]);
});

test('a withdrawn secret shows the withdrawal, not the steps that will not happen', () => {
  expect(lines({ state: 'compensating', newKeyId: 'k' })).toEqual([
    '✓ Create a new client secret',
    '▶ Withdraw the new secret (the old secret stays in use)',
  ]);
  expect(lines({ state: 'failed' })).toEqual([
    '✗ Create a new client secret',
    '✓ Withdraw the new secret (the old secret stays in use)',
  ]);
});
