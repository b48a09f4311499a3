/**
 * The approval cards are a contract: exact button titles, verbs, input ids, card data limited to ids and the
 * hash, valid Adaptive Card 1.5 — and what each person sees in each state.
 */
import { approverCard, cardFor, confirmCard, copiesOf, finalCard, statusCard } from '../../src/approvals/approvalCards';
import type { Approval, Draft } from '../../src/approvals/approvalRecord';
import { actionOf, cardText, inputIds } from './cardInspection';

const operation: Approval['operation'] = {
  kind: 'share',
  connections: [
    {
      environmentId: 'env-dev',
      environmentName: 'Contoso DEV',
      connector: 'shared_office365',
      connectionName: 'c1',
      displayName: 'Office 365 Outlook (Megan)',
      ownerId: 'megan',
      ownerName: 'Megan Bowen',
    },
  ],
  principalId: 'adele',
  principalName: 'Adele Vance',
  principalType: 'User',
  role: 'CanView',
  flow: { id: 'f1', displayName: 'Weekly report' },
};

const approval: Approval = {
  id: 'a1',
  tenantId: 't',
  requesterId: 'adele',
  requesterName: 'Adele Vance',
  operation,
  justification: 'I co-own the flow',
  riskNotes: ['Office 365 Outlook (Megan) signs in as meganb@example.com'],
  approverIds: ['megan', 'alex'],
  approverNames: { megan: 'Megan Bowen', alex: 'Alex Wilber' },
  requiredApprovals: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  expiresAt: '2025-01-02T00:00:00.000Z',
  hash: 'h1',
  state: 'pending',
  decisions: [],
  updatedAt: '2025-01-01T00:00:00.000Z',
};

test('the confirmation card has the justification input and [Send request] carrying only the draft id', () => {
  const draft: Draft = { ...approval, createdAt: approval.createdAt };
  const card = confirmCard(draft, ['Megan Bowen', 'Alex Wilber']);
  expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
  expect(inputIds(card)).toEqual(['justification']);
  expect(actionOf(card, 'Send request')).toEqual({ verb: 'request.send', data: { draftId: 'a1' } });
  expect(cardText(card)).toMatch(/signs in as meganb@example.com/);
});

test('the approver card shows who, what, why and risks, with [Approve]/[Reject] carrying id and hash only', () => {
  const card = approverCard(approval);
  expect(inputIds(card)).toEqual(['comment']);
  expect(actionOf(card, 'Approve')).toEqual({ verb: 'approval.approve', data: { approvalId: 'a1', hash: 'h1' } });
  expect(actionOf(card, 'Reject')).toEqual({ verb: 'approval.reject', data: { approvalId: 'a1', hash: 'h1' } });
  const text = cardText(card);
  for (const expected of [
    'Adele Vance asks',
    'Office 365 Outlook (Megan)',
    'Contoso DEV',
    'Can use',
    'I co-own the flow',
    'Weekly report',
  ]) {
    expect(text).toContain(expected);
  }
});

test('the requester sees "sent to" while pending and everyone sees the final state afterwards', () => {
  expect(cardText(statusCard(approval))).toMatch(/Sent to Megan Bowen, Alex Wilber for approval/);
  expect(cardFor(approval, 'adele').actions ?? []).toEqual([]);
  const running: Approval = {
    ...approval,
    state: 'running',
    decisions: [{ by: 'megan', byName: 'Megan Bowen', decision: 'approve', at: '2025-01-01T01:00:00.000Z' }],
  };
  expect(cardText(finalCard(running))).toMatch(/Approved by Megan Bowen — running…/);
  const copies = copiesOf(running, { skipUserId: 'megan' });
  expect(copies.map((c) => c.toUserId).sort()).toEqual(['adele', 'alex']);
  expect(copies.every((c) => c.cardKey === 'approval:a1')).toBe(true);
  expect(copies.every((c) => !cardText(c.reply.cards[0]).includes('Action.Execute'))).toBe(true);
});
