/**
 * The entry point src/app calls for requests, approvals and the audit trail. A request goes: button or sentence →
 * the requester's confirmation card (a draft stored server-side) → [Send request] → approval cards to the
 * approvers → [Approve]/[Reject] (a checked, versioned decision) → a job runs the operation and updates every
 * copy of the card. See approvalPolicy.ts for who may request and who approves.
 *
 * What is specific to a kind of operation (share, rotation…) is in its module, src/operations/<kind>/definition.ts,
 * read through the registry this service is given; everything here is the same for every kind.
 *
 * The card buttons that reach these methods, and what their data holds, are listed in the verb catalogue
 * (src/app/cardVerbs/approvalVerbs.ts); a kind's own request buttons (its `requests`) reach startRequest. Card data
 * is untrusted, so everything is loaded by id and re-checked here.
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
import { builtInOperations, type OperationRegistry } from '../operations/registry';
import { refuse } from './refusals';
import { retryApproval } from './retryApproval';
import { RequestDrafts } from './requestDrafts';
import { draftRotation, type RotationQuery } from '../operations/rotation/rotationRequests';
import {
  draftAccessRequest,
  draftShare,
  type AccessRequestInput,
  type ShareQuery,
} from '../operations/share/shareRequests';
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
    private readonly operations: OperationRegistry = builtInOperations(),
  ) {
    this.drafts = new RequestDrafts(ctx, operations);
    this.turnOn = new TurnOnRequests(ctx);
    registerApprovalJobs(ctx, jobs, operations);
    registerLateViewJob(ctx, jobs, operations);
  }

  requestAccess(caller: Caller, input: AccessRequestInput): Promise<Reply> {
    return this.drafts.request(caller, { subject: input.connectionName }, () =>
      draftAccessRequest(this.ctx, caller, input),
    );
  }

  requestShare(caller: Caller, query: ShareQuery): Promise<Reply> {
    return this.drafts.request(caller, { subject: query.connectionQuery }, () => draftShare(this.ctx, caller, query));
  }

  requestRotation(caller: Caller, query: RotationQuery): Promise<Reply> {
    return this.drafts.request(caller, { subject: query.appQuery ?? query.appObjectId ?? 'app' }, () =>
      draftRotation(this.ctx, caller, query),
    );
  }

  /** [Send request] on the confirmation card, with what the requester typed into it. */
  sendRequest(caller: Caller, draftId: string, justification?: string): Promise<ApprovalActionResult> {
    return sendRequest(this.ctx, this.operations, caller, draftId, justification);
  }

  /** [Approve] / [Reject] on an approval card; `comment` is what the approver typed. */
  decide(
    caller: Caller,
    decision: 'approve' | 'reject',
    click: ApprovalClick,
    comment?: string,
  ): Promise<ApprovalActionResult> {
    return decideApproval(this.ctx, this.jobs, this.operations, caller, decision, { ...click }, { comment });
  }

  /** [Retry …] on the card of a request that needs attention (the button's words come from its kind). */
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

  /** The verbs of the registered kinds' own request buttons (e.g. [Rotate]); the verb catalogue routes them here. */
  requestVerbs(): string[] {
    return this.operations.requestVerbs();
  }

  /** A kind's request button: its module checks the (untrusted) data and drafts the request. */
  async startRequest(caller: Caller, verb: string, data: Record<string, unknown>): Promise<ApprovalActionResult> {
    const start = this.operations.requestStart(verb);
    if (!start)
      return {
        reply: textReply('That button is no longer supported. Type "help" to see what I can do now.'),
        notifications: [],
      };
    return { reply: await this.drafts.start(caller, verb, start, data), notifications: [] };
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
        subject: subjectOf(draft.operation, this.operations),
        correlationId: draftId,
        verb: 'request.cancel',
      });
    }
    if (await repository.get(draftId))
      return textReply('This request was already sent; it can no longer be cancelled here.');
    return textReply('Cancelled: nothing was sent.');
  }
}
