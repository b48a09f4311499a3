/** The request fingerprint: stable for the same content, different for any change a forged click could make. */
import { requestHash, type HashedFields } from '../../src/approvals/requestHash';

const base: HashedFields = {
  id: 'a1',
  tenantId: 't',
  requesterId: 'adele',
  operation: { kind: 'rotation', appObjectId: 'o1', appId: 'app1', appName: 'D365-App-Registration' },
  justification: 'expires soon',
  approverIds: ['alex', 'isaiah'],
  requiredApprovals: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  expiresAt: '2025-01-02T00:00:00.000Z',
};

test('the same content gives the same hash whatever the key order', () => {
  const reordered = JSON.parse(
    JSON.stringify({
      ...base,
      operation: { appName: 'D365-App-Registration', appId: 'app1', appObjectId: 'o1', kind: 'rotation' },
    }),
  );
  expect(requestHash(reordered)).toBe(requestHash(base));
});

test.each([
  ['requester', { requesterId: 'megan' }],
  ['target app', { operation: { ...base.operation, appObjectId: 'o2' } }],
  ['justification', { justification: 'other' }],
  ['approvers', { approverIds: ['alex'] }],
  ['expiry', { expiresAt: '2025-02-02T00:00:00.000Z' }],
  ['required approvals', { requiredApprovals: 2 }],
])('changing the %s changes the hash', (_what, change) => {
  expect(requestHash({ ...base, ...change })).not.toBe(requestHash(base));
});
