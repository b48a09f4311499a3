/**
 * [Send request] on the confirmation card: the draft (loaded by id, sent only by its author) becomes a pending
 * approval with its approvers fixed and its content hashed, each approver gets the approval card, and the
 * requester's card turns into the status card. A second click finds the approval already created (the approval
 * id is the draft id, written with ifAbsent) and just shows where it stands.
 */
import type { Caller } from '../access/caller';
import type { DomainContext } from '../context';
import type { OperationRegistry } from '../operations/registry';
import { approversFor, expiryFrom } from './approvalPolicy';
import { approverCard, cardFor, cardKeyOf } from './approvalCards';
import { subjectOf, type Approval } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import type { ApprovalActionResult } from './decideApproval';
import { refuse } from './refusals';
import { requestHash } from './requestHash';

export async function sendRequest(
  ctx: DomainContext,
  operations: OperationRegistry,
  caller: Caller,
  draftId: string,
  justificationInput: unknown,
): Promise<ApprovalActionResult> {
  const repository = new ApprovalRepository(ctx.store.records);
  const draft = draftId ? await repository.getDraft(draftId) : undefined;
  if (!draft) {
    return {
      reply: await refuse(ctx, caller, { reason: 'unknownDraft', subject: 'request', correlationId: draftId }),
      notifications: [],
    };
  }
  const subject = subjectOf(draft.operation, operations);
  if (draft.tenantId !== caller.tenantId || !ctx.access.sameTenant(caller)) {
    return {
      reply: await refuse(ctx, caller, {
        reason: 'otherTenant',
        subject,
        correlationId: draft.id,
        verb: 'request.send',
      }),
      notifications: [],
    };
  }
  if (draft.requesterId !== caller.userId) {
    return {
      reply: await refuse(ctx, caller, {
        reason: 'notRequester',
        subject,
        correlationId: draft.id,
        verb: 'request.send',
      }),
      notifications: [],
    };
  }
  const existing = await repository.get(draft.id);
  if (existing) return currentState(existing, caller.userId, operations);

  const { approverIds, requiredApprovals } = await approversFor(ctx, operations, caller.userId, draft.operation);
  if (approverIds.length < requiredApprovals) {
    return {
      reply: await refuse(ctx, caller, { reason: 'noApprovers', subject, correlationId: draft.id }),
      notifications: [],
    };
  }
  const approverNames: Record<string, string> = {};
  await Promise.all(
    approverIds.map(async (id) => {
      approverNames[id] = (await ctx.tenant.directory.getUser(id))?.displayName ?? id;
    }),
  );
  const now = ctx.clock.now();
  const justification = typeof justificationInput === 'string' ? justificationInput.trim().slice(0, 500) : '';
  const base = {
    id: draft.id,
    tenantId: draft.tenantId,
    requesterId: draft.requesterId,
    operation: draft.operation,
    justification,
    approverIds,
    requiredApprovals,
    createdAt: now.toISOString(),
    expiresAt: expiryFrom(ctx, now).toISOString(),
  };
  const approval: Approval = {
    ...base,
    requesterName: draft.requesterName,
    riskNotes: draft.riskNotes,
    approverNames,
    hash: requestHash(base),
    state: 'pending',
    decisions: [],
    updatedAt: now.toISOString(),
  };
  if (!(await repository.create(approval))) {
    const raced = await repository.get(draft.id);
    if (raced) return currentState(raced, caller.userId, operations);
  }
  await ctx.store.audit.append({
    actor: caller.userId,
    action: 'approval.requested',
    subject,
    outcome: 'success',
    correlationId: approval.id,
    details: {
      operation: approval.operation.kind,
      approvers: approverIds.length,
      requiredApprovals,
      expiresAt: approval.expiresAt,
    },
  });
  return {
    reply: { cards: [cardFor(approval, caller.userId, operations)] },
    replyCardKey: cardKeyOf(approval.id),
    notifications: approverIds.map((toUserId) => ({
      toUserId,
      cardKey: cardKeyOf(approval.id),
      reply: { text: `${approval.requesterName} needs your approval.`, cards: [approverCard(approval, operations)] },
    })),
  };
}

function currentState(approval: Approval, userId: string, operations: OperationRegistry): ApprovalActionResult {
  return {
    reply: {
      text: 'This request was already sent; here is where it stands.',
      cards: [cardFor(approval, userId, operations)],
    },
    replyCardKey: cardKeyOf(approval.id),
    notifications: [],
  };
}
