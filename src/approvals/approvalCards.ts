/**
 * The four views of a request, rendered from the stored record: the requester's confirmation (requestConfirm),
 * the approver's card (approvalRequest), the requester's status (requestStatus) and the decided/finished view
 * everyone ends with (approvalFinal). Card data carries only ids and the request hash; the cards of one approval
 * share the key `approval:<id>` so every copy can be updated in place.
 */
import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import type { Notification } from '../cards/reply';
import { isRetryable, type Approval, type Draft, type Operation } from './approvalRecord';

export const cardKeyOf = (approvalId: string): string => `approval:${approvalId}`;

const ROLE_WORDS = { CanView: 'Can use', CanEdit: 'Can edit' } as const;

interface Fact {
  title: string;
  value: string;
}

export function describe(operation: Operation): { title: string; summary: string; facts: Fact[] } {
  if (operation.kind === 'rotation') {
    return {
      title: `Rotate the client secret of ${operation.appName}`,
      summary: `rotate the client secret of the app registration ${operation.appName}`,
      facts: [
        { title: 'App registration', value: operation.appName },
        { title: 'Application (client) id', value: operation.appId },
        {
          title: 'What happens',
          value:
            'A new secret is created, stored in Key Vault, verified, and put on every connection that uses this app; the old secret is removed after the grace period.',
        },
      ],
    };
  }
  const names = operation.connections.map((c) => c.displayName).join(', ');
  const environments = [...new Set(operation.connections.map((c) => c.environmentName))].join(', ');
  const owners = [...new Set(operation.connections.map((c) => c.ownerName))].join(', ');
  const facts: Fact[] = [
    { title: operation.connections.length > 1 ? 'Connections' : 'Connection', value: names },
    { title: 'Environment', value: environments },
    { title: 'Owner', value: owners },
    { title: 'Share with', value: operation.principalName },
    { title: 'Permission', value: ROLE_WORDS[operation.role] },
  ];
  if (operation.flow) facts.push({ title: 'For the flow', value: operation.flow.displayName });
  const what = operation.connections.length > 1 ? `the connections ${names}` : `the connection ${names}`;
  return {
    title: operation.connections.length > 1 ? 'Share connections' : 'Share a connection',
    summary: `share ${what} (${environments}) with ${operation.principalName} as "${ROLE_WORDS[operation.role]}"`,
    facts,
  };
}

const notes = (riskNotes: string[]): { text: string }[] => riskNotes.map((text) => ({ text }));

const when = (iso: string): string => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');

function approverList(approval: Pick<Approval, 'approverIds' | 'approverNames'>): string {
  return approval.approverIds.map((id) => approval.approverNames[id] ?? id).join(', ');
}

export function confirmCard(draft: Draft, approverNames: string[]): AdaptiveCard {
  const { title, summary, facts } = describe(draft.operation);
  return renderCard('requestConfirm', {
    title: `Confirm: ${title}`,
    summary: `You are about to ask to ${summary}. Nothing happens until an approver agrees.`,
    facts,
    riskNotes: notes(draft.riskNotes),
    approvers: approverNames.length ? approverNames.join(', ') : 'nobody (see below)',
    draftId: draft.id,
  });
}

function neededText(approval: Approval): string {
  if (approval.requiredApprovals < 2) return 'One approval is enough.';
  const approvals = approval.decisions.filter((d) => d.decision === 'approve').length;
  return `Needs ${approval.requiredApprovals} different approvers (${approvals} so far).`;
}

export function approverCard(approval: Approval): AdaptiveCard {
  const { title, summary, facts } = describe(approval.operation);
  const approvals = approval.decisions.filter((d) => d.decision === 'approve');
  return renderCard('approvalRequest', {
    title: `Approval needed: ${title}`,
    requesterName: approval.requesterName,
    summary,
    facts,
    justification: approval.justification || '(no reason given)',
    riskNotes: notes(approval.riskNotes),
    statusLine: approvals.length ? `Approved so far by ${approvals.map((d) => d.byName).join(', ')}` : '',
    expiresAt: when(approval.expiresAt),
    needed: neededText(approval),
    approvalId: approval.id,
    hash: approval.hash,
  });
}

export function statusCard(approval: Approval): AdaptiveCard {
  const { title, summary, facts } = describe(approval.operation);
  const approvals = approval.decisions.filter((d) => d.decision === 'approve');
  const statusLine = approvals.length
    ? `Approved by ${approvals.map((d) => d.byName).join(', ')}; waiting for one more approver (${approverList(approval)})`
    : `Sent to ${approverList(approval)} for approval`;
  return renderCard('requestStatus', {
    title: `Your request: ${title}`,
    statusLine,
    summary: `You asked to ${summary}.`,
    facts,
    justification: approval.justification || '(none)',
    expiresAt: when(approval.expiresAt),
  });
}

/** One line that says where the request stands, e.g. "Approved by Alex Wilber — running…". */
export function statusLineOf(approval: Approval): { text: string; color: string } {
  const approvedBy = approval.decisions
    .filter((d) => d.decision === 'approve')
    .map((d) => d.byName)
    .join(' and ');
  const rejectedBy = approval.decisions.find((d) => d.decision === 'reject');
  switch (approval.state) {
    case 'pending':
      return { text: `Waiting for approval from ${approverList(approval)}`, color: 'Accent' };
    case 'approved':
    case 'running':
      return { text: `Approved by ${approvedBy} — running…`, color: 'Accent' };
    case 'done':
      return { text: `Approved by ${approvedBy} — done`, color: 'Good' };
    case 'failed':
      return { text: `Approved by ${approvedBy} — failed`, color: 'Attention' };
    case 'needsAttention':
      return { text: `Approved by ${approvedBy} — needs attention`, color: 'Warning' };
    case 'rejected':
      return { text: `Rejected by ${rejectedBy?.byName ?? 'an approver'}`, color: 'Attention' };
    case 'expired':
      return { text: 'Expired: nobody decided in time. Ask again if it is still needed.', color: 'Warning' };
  }
}

/** `retry`: this copy offers [Retry the switch] (an approver's copy of a rotation that needs attention). */
export function finalCard(approval: Approval, options: { retry?: boolean } = {}): AdaptiveCard {
  const { title, summary, facts } = describe(approval.operation);
  const status = statusLineOf(approval);
  return renderCard('approvalFinal', {
    title,
    statusLine: status.text,
    statusColor: status.color,
    requesterName: approval.requesterName,
    summary,
    facts,
    justification: approval.justification || '(no reason given)',
    decisions: [
      ...approval.decisions.map((d) => ({
        text: `${d.decision === 'approve' ? 'Approved' : 'Rejected'} by ${d.byName} at ${when(d.at)}${
          d.comment ? `: “${d.comment}”` : ''
        }`,
      })),
      ...(approval.retries ?? []).map((r) => ({ text: `Connection switch retried by ${r.byName} at ${when(r.at)}` })),
    ],
    result: approval.result ?? '',
    retry: options.retry === true,
    approvalId: approval.id,
    hash: approval.hash,
  });
}

/** The card a given person should currently see for this approval. */
export function cardFor(approval: Approval, userId: string): AdaptiveCard {
  if (approval.state === 'pending') {
    if (userId === approval.requesterId) return statusCard(approval);
    const alreadyApproved = approval.decisions.some((d) => d.by === userId);
    return alreadyApproved ? finalCard(approval) : approverCard(approval);
  }
  const retry = isRetryable(approval) && approval.approverIds.includes(userId);
  return finalCard(approval, { retry });
}

/** Updates for every copy of the approval's card (requester and each approver), except `skipUserId`'s. */
export function copiesOf(approval: Approval, options: { skipUserId?: string; text?: string } = {}): Notification[] {
  const people = [approval.requesterId, ...approval.approverIds].filter((id) => id !== options.skipUserId);
  return [...new Set(people)].map((toUserId) => ({
    toUserId,
    cardKey: cardKeyOf(approval.id),
    reply: { cards: [cardFor(approval, toUserId)] },
  }));
}
