/**
 * The four views of a request, rendered from the stored record: the requester's confirmation (requestConfirm),
 * the approver's card (approvalRequest), the requester's status (requestStatus) and the decided/finished view
 * everyone ends with (approvalFinal). Card data carries only ids and the request hash; the cards of one approval
 * share the key `approval:<id>` so every copy can be updated in place.
 */
import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import type { Notification } from '../cards/reply';
import type { CardSections } from '../operations/operationKind';
import { stepLine } from '../operations/operationSteps';
import { builtInOperations, type OperationRegistry } from '../operations/registry';
import { isRetryable, type Approval, type Draft, type Operation } from './approvalRecord';

export const cardKeyOf = (approvalId: string): string => `approval:${approvalId}`;

/** Cards rendered without a registry (a lone card in a test) know the built-in kinds; the service passes its own. */
const BUILT_IN = builtInOperations();

export function describe(operation: Operation, operations: OperationRegistry = BUILT_IN): CardSections {
  return operations.of(operation).describe(operation);
}

const notes = (riskNotes: string[]): { text: string }[] => riskNotes.map((text) => ({ text }));

const when = (iso: string): string => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');

function approverList(approval: Pick<Approval, 'approverIds' | 'approverNames'>): string {
  return approval.approverIds.map((id) => approval.approverNames[id] ?? id).join(', ');
}

export function confirmCard(
  draft: Draft,
  approverNames: string[],
  operations: OperationRegistry = BUILT_IN,
): AdaptiveCard {
  const { title, summary, facts } = describe(draft.operation, operations);
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

export function approverCard(approval: Approval, operations: OperationRegistry = BUILT_IN): AdaptiveCard {
  const { title, summary, facts } = describe(approval.operation, operations);
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

export function statusCard(approval: Approval, operations: OperationRegistry = BUILT_IN): AdaptiveCard {
  const { title, summary, facts } = describe(approval.operation, operations);
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
      return { text: `Approved by ${approvedBy} — running…`, color: 'Accent' };
    case 'running':
      return {
        text: `Approved by ${approvedBy} — running…${approval.progress ? ` ${approval.progress}` : ''}`,
        color: 'Accent',
      };
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

/** `retry`: this copy offers its kind's [Retry] (an approver's copy of a request that needs attention). */
export function finalCard(
  approval: Approval,
  options: { retry?: boolean } = {},
  operations: OperationRegistry = BUILT_IN,
): AdaptiveCard {
  const kind = operations.of(approval.operation);
  const { title, summary, facts } = kind.describe(approval.operation);
  const status = statusLineOf(approval);
  const retriedLine = kind.retry?.historyLine ?? 'Retried';
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
      ...(approval.retries ?? []).map((r) => ({ text: `${retriedLine} by ${r.byName} at ${when(r.at)}` })),
    ],
    steps: stepsOf(approval),
    result: approval.result ?? '',
    retry: options.retry === true && kind.retry !== undefined,
    ...finalRequestOf(approval, operations),
    retryTitle: kind.retry?.title ?? '',
    retryTooltip: kind.retry?.tooltip ?? '',
    approvalId: approval.id,
    hash: approval.hash,
  });
}

/** The kind's request button on a request that ended done or needing attention (e.g. [Undo the re-point]). */
function finalRequestOf(
  approval: Approval,
  operations: OperationRegistry,
): { finalRequest: boolean; finalRequestTitle: string; finalRequestTooltip: string; finalRequestVerb: string } {
  const offer = operations.of(approval.operation).finalRequest;
  const shown =
    offer !== undefined &&
    (approval.state === 'done' || approval.state === 'needsAttention') &&
    offer.offeredFor(approval.operation);
  return {
    finalRequest: shown,
    finalRequestTitle: offer?.title ?? '',
    finalRequestTooltip: offer?.tooltip ?? '',
    finalRequestVerb: offer?.verb ?? '',
  };
}

/** The operation's step list as card lines, timed to when it was reported (so a resent card says the same). */
function stepsOf(approval: Approval): { text: string; color: string }[] {
  const at = new Date(approval.progressAt ?? approval.updatedAt);
  return (approval.steps ?? []).map((step) => ({
    text: stepLine(step, at),
    color: step.state === 'failed' ? 'Attention' : step.state === 'done' ? 'Good' : 'Default',
  }));
}

/** The card a given person should currently see for this approval. */
export function cardFor(approval: Approval, userId: string, operations: OperationRegistry = BUILT_IN): AdaptiveCard {
  if (approval.state === 'pending') {
    if (userId === approval.requesterId) return statusCard(approval, operations);
    const alreadyApproved = approval.decisions.some((d) => d.by === userId);
    return alreadyApproved ? finalCard(approval, {}, operations) : approverCard(approval, operations);
  }
  const retry = isRetryable(approval, operations) && approval.approverIds.includes(userId);
  return finalCard(approval, { retry }, operations);
}

/** Updates for every copy of the approval's card (requester and each approver), except `skipUserId`'s. */
export function copiesOf(
  approval: Approval,
  options: { skipUserId?: string } = {},
  operations: OperationRegistry = BUILT_IN,
): Notification[] {
  const people = [approval.requesterId, ...approval.approverIds].filter((id) => id !== options.skipUserId);
  return [...new Set(people)].map((toUserId) => ({
    toUserId,
    cardKey: cardKeyOf(approval.id),
    reply: { cards: [cardFor(approval, toUserId, operations)] },
  }));
}
