/**
 * The entry point src/app calls for requests, approvals and the audit trail. A request goes: button or sentence →
 * the requester's confirmation card (a draft stored server-side) → [Send request] → approval cards to the
 * approvers → [Approve]/[Reject] (a checked, versioned decision) → a job runs the operation and updates every
 * copy of the card. See approvalPolicy.ts for who may request and who approves.
 *
 * The card buttons that reach these methods, and what their data holds, are listed in the verb catalogue
 * (src/app/cardVerbs/approvalVerbs.ts); card data is untrusted, so everything is loaded by id and re-checked here.
 */
import type { Caller } from '../access/caller';
import { textReply, type Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import type { JobRunner } from '../jobs/jobRunner';
import type { AuditEntry } from '../store/ports';
import { registerApprovalJobs } from './approvalJobs';
import { subjectOf } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import { auditCard, exportAudit } from './auditView';
import { registerLateViewJob } from './lateInvokeResponses';
import { decideApproval, type ApprovalActionResult } from './decideApproval';
import { defaultOperations } from './defaultOperations';
import type { ApprovalOperations } from './operationsPort';
import { refuse } from './refusals';
import { retryApproval } from './retryApproval';
import { RequestDrafts } from './requestDrafts';
import { sendRequest } from './sendRequest';
import { TurnOnRequests } from './turnOnRequests';

/** The ids an approval card's buttons carry (checked for shape in src/app; loaded and re-checked here). */
export interface ApprovalClick {
  approvalId?: string;
  hash?: string;
}

export class ApprovalsService {
  private readonly drafts: RequestDrafts;
  private readonly turnOn: TurnOnRequests;

  constructor(
    private readonly ctx: DomainContext,
    private readonly jobs: JobRunner,
    private readonly operations: ApprovalOperations = defaultOperations,
  ) {
    this.drafts = new RequestDrafts(ctx);
    this.turnOn = new TurnOnRequests(ctx);
    registerApprovalJobs(ctx, jobs, operations);
    registerLateViewJob(ctx, jobs);
  }

  requestAccess(
    caller: Caller,
    input: { environmentId: string; connector: string; connectionName: string; flowId?: string },
  ): Promise<Reply> {
    return this.drafts.requestAccess(caller, input);
  }

  requestShare(
    caller: Caller,
    query: {
      connectionQuery: string;
      environmentQuery?: string;
      targetUserQuery: string;
      role?: 'CanView' | 'CanEdit';
    },
  ): Promise<Reply> {
    return this.drafts.requestShare(caller, query);
  }

  requestRotation(caller: Caller, query: { appObjectId?: string; appQuery?: string }): Promise<Reply> {
    return this.drafts.requestRotation(caller, query);
  }

  /** [Send request] on the confirmation card, with what the requester typed into it. */
  sendRequest(caller: Caller, draftId: string, justification?: string): Promise<ApprovalActionResult> {
    return sendRequest(this.ctx, caller, draftId, justification);
  }

  /** [Approve] / [Reject] on an approval card; `comment` is what the approver typed. */
  decide(
    caller: Caller,
    decision: 'approve' | 'reject',
    click: ApprovalClick,
    comment?: string,
  ): Promise<ApprovalActionResult> {
    return decideApproval(this.ctx, this.jobs, caller, decision, { ...click }, { comment });
  }

  /** [Retry the switch] on the card of a rotation that needs attention. */
  retry(caller: Caller, click: ApprovalClick): Promise<ApprovalActionResult> {
    return retryApproval(this.ctx, this.jobs, this.operations, caller, { ...click });
  }

  askToTurnOn(caller: Caller, flow: { environmentId: string; flowId: string }): Promise<ApprovalActionResult> {
    return this.turnOn.ask(caller, flow);
  }

  confirmTurnedOn(
    caller: Caller,
    flow: { environmentId: string; flowId: string; requesterId?: string },
  ): Promise<ApprovalActionResult> {
    return this.turnOn.turnedOn(caller, flow);
  }

  audit(caller: Caller, query: { subject?: string } = {}): Promise<Reply> {
    return auditCard(this.ctx, caller, query);
  }

  exportAudit(options?: { subject?: string; since?: string; limit?: number }): AsyncIterable<AuditEntry> {
    return exportAudit(this.ctx, options);
  }

  /** [Cancel] on the confirmation card: nothing was sent, so there is nothing to undo. */
  async cancelRequest(caller: Caller, draftId: string): Promise<Reply> {
    const repository = new ApprovalRepository(this.ctx.store.records);
    const draft = draftId ? await repository.getDraft(draftId) : undefined;
    if (!draft) return refuse(this.ctx, caller, { reason: 'unknownDraft', subject: 'request', correlationId: draftId });
    if (draft.requesterId !== caller.userId || draft.tenantId !== caller.tenantId) {
      return refuse(this.ctx, caller, {
        reason: 'notRequester',
        subject: subjectOf(draft.operation),
        correlationId: draftId,
        verb: 'request.cancel',
      });
    }
    if (await repository.get(draftId))
      return textReply('This request was already sent; it can no longer be cancelled here.');
    return textReply('Cancelled: nothing was sent.');
  }
}
