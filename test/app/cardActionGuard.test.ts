/**
 * Card data is checked before any lookup: what our cards put there passes (GUIDs, base64url hashes with `-` and
 * `_`, connector names, ISO-stamped ids, typed comments), what they never put there is refused, naming the field.
 */
import { randomUUID } from 'node:crypto';
import { cardActionProblem } from '../../src/app/cardActionGuard';
import { USERS } from '../../src/emulator/fixture';

describe('card action data', () => {
  it.each([
    [
      'approval.approve',
      { approvalId: randomUUID(), hash: '-_aZ09-_aZ09-_aZ09-_aZ09-_aZ09-_', comment: 'ok '.repeat(300) },
    ],
    [
      'access.request',
      {
        environmentId: 'Default-00000000-0000-0000-0000-000000000001',
        connector: 'shared_office365',
        connectionName: 'shared-office365-5f0e',
        flowId: randomUUID(),
      },
    ],
    ['digest.page', { digestId: `2026-12-04T21:19:23.451Z-c2278ef9|user:${USERS.alex.id}`, page: 2 }],
    ['digest.page', { digestId: '2026-12-04T08:00:00.000Z-scheduled|conversation:19:abc-DEF_1@thread.tacv2', page: 3 }],
    ['connections.view', { view: 'broken', flowName: 'Weekly report (copy)', withinDays: 30 }],
    ['request.send', { draftId: randomUUID(), justification: 'Needed for the quarterly close.' }],
    ['help', undefined],
  ])('accepts what our cards send for %s', (verb, data) => {
    expect(cardActionProblem(verb, data)).toBeUndefined();
  });

  it.each([
    ['a 60,000-character id', 'approval.approve', { approvalId: 'a'.repeat(60_000) }, 'approvalId'],
    ['an id with spaces', 'approval.approve', { approvalId: 'a b' }, 'approvalId'],
    ['an id with a quote', 'approval.approve', { approvalId: 'a"b' }, 'approvalId'],
    ['an id with a control character', 'approval.approve', { approvalId: 'a\u0000b' }, 'approvalId'],
    ['a hash with markup', 'approval.approve', { approvalId: randomUUID(), hash: '<script>' }, 'hash'],
    ['a long name', 'connections.view', { flowName: 'x'.repeat(1_000) }, 'flowName'],
    ['a nested object', 'approval.approve', { approvalId: { $ne: '' } }, 'approvalId'],
    ['a huge comment', 'approval.approve', { comment: 'x'.repeat(5_000) }, 'comment'],
    ['a verb that is no verb', 'x'.repeat(500), {}, 'verb'],
  ])('refuses %s, naming the field', (_what, verb, data, field) => {
    expect(cardActionProblem(verb, data)).toBe(field);
  });
});
