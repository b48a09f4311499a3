/**
 * The entry point src/app calls for requests, approvals and the audit trail. A request goes: button or sentence →
 * the requester's confirmation card (a draft stored server-side) → [Send request] → approval cards to the
 * approvers → [Approve]/[Reject] (a checked, versioned decision) → a job runs the operation and updates every
 * copy of the card. See approvalPolicy.ts for who may request and who approves.
 *
 * What is specific to a kind of operation (share, rotation…) is in its module, src/operations/<kind>/definition.ts,
 * read through the registry this service is given; everything here is the same for every kind.
 *
 * Action.Execute verbs handled here (card data = ids and the request hash only):
 *   access.request   {environmentId, connector, connectionName, flowId?}   [Request access] (share's `requests`)
 *   rotation.request {appObjectId}                                         [Rotate] (rotation's `requests`)
 *   request.send     {draftId} + input `justification`                     [Send request]
 *   request.cancel   {draftId}
 *   approval.approve / approval.reject {approvalId, hash} + input `comment`  [Approve] / [Reject]
 *   approval.retry   {approvalId, hash}                                    [Retry …] of the kind (needs attention)
 *   any verb in a kind's `requests`                                        a card button that starts its request
 *   flow.askToTurnOn / flow.turnedOn                                       (turnOnRequests.ts)
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
import { retryApproval, RETRY_VERB } from './retryApproval';
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

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

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

  async handleAction(
    caller: Caller,
    verb: string,
    data: Record<string, unknown>,
    inputs: Record<string, unknown>,
  ): Promise<ApprovalActionResult | undefined> {
    const reply = (r: Reply): ApprovalActionResult => ({ reply: r, notifications: [] });
    switch (verb) {
      case 'request.send':
        return sendRequest(
          this.ctx,
          this.operations,
          caller,
          str(data.draftId),
          inputs.justification ?? data.justification,
        );
      case 'request.cancel':
        return reply(await this.cancel(caller, str(data.draftId)));
      case 'approval.approve':
      case 'approval.reject':
        return decideApproval(
          this.ctx,
          this.jobs,
          this.operations,
          caller,
          verb === 'approval.approve' ? 'approve' : 'reject',
          data,
          { comment: inputs.comment ?? data.comment },
        );
      case RETRY_VERB:
        return retryApproval(this.ctx, this.jobs, this.operations, caller, data);
      default: {
        const start = this.operations.requestStart(verb);
        if (start) return reply(await this.drafts.start(caller, verb, start, data));
        return this.turnOn.handle(caller, verb, data);
      }
    }
  }

  audit(caller: Caller, query: { subject?: string } = {}): Promise<Reply> {
    return auditCard(this.ctx, caller, query);
  }

  exportAudit(options?: { subject?: string; since?: string; limit?: number }): AsyncIterable<AuditEntry> {
    return exportAudit(this.ctx, options);
  }

  private async cancel(caller: Caller, draftId: string): Promise<Reply> {
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
