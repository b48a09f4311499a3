/**
 * Turns what a person asked for (a card button of an operation kind, or a sentence such as "share my Outlook
 * connection in DEV with Adele") into a Draft the requester confirms on a card before anything is sent. The
 * caller's tenant is checked here for every kind; the kind's module resolves the exact resources server-side,
 * checks who may ask for what and writes the risk notes (src/operations/<kind>/).
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../access/caller';
import { textReply, type Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import { isDrafted, type DraftResult, type OperationPayload, type RequestStart } from '../operations/operationKind';
import type { OperationRegistry } from '../operations/registry';
import { approversFor } from './approvalPolicy';
import { subjectOf, type Draft } from './approvalRecord';
import { ApprovalRepository } from './approvalRepository';
import { confirmCard } from './approvalCards';
import { refuse } from './refusals';

export class RequestDrafts {
  private readonly repository: ApprovalRepository;

  constructor(
    private readonly ctx: DomainContext,
    private readonly operations: OperationRegistry,
  ) {
    this.repository = new ApprovalRepository(ctx.store.records);
  }

  /** A card button of a kind's own (OperationKind.requests): its module drafts the request from the card's data. */
  start(
    caller: Caller,
    verb: string,
    start: RequestStart<OperationPayload>,
    data: Record<string, unknown>,
  ): Promise<Reply> {
    return this.request(caller, { subject: 'request', verb }, () => start.draft(this.ctx, caller, data));
  }

  /**
   * A request the caller's words or button asked for: `draft` (the kind's) runs only for a caller of this tenant.
   * `about` names the request for the audit of a refusal before the module has looked anything up.
   */
  async request(
    caller: Caller,
    about: { subject: string; verb?: string },
    draft: () => Promise<DraftResult<OperationPayload>>,
  ): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) {
      return refuse(this.ctx, caller, { reason: 'otherTenant', ...about });
    }
    const drafted = await draft();
    if (isDrafted(drafted)) return this.draft(caller, drafted.operation, drafted.riskNotes);
    if (!drafted.refused) return textReply(drafted.text);
    return refuse(this.ctx, caller, {
      reason: 'notAllowed',
      subject: drafted.subject,
      text: drafted.text,
      ...(drafted.verb ? { verb: drafted.verb } : {}),
    });
  }

  private async draft(caller: Caller, operation: OperationPayload, riskNotes: string[]): Promise<Reply> {
    const { approverIds } = await approversFor(this.ctx, this.operations, caller.userId, operation);
    if (!approverIds.length) {
      return refuse(this.ctx, caller, { reason: 'noApprovers', subject: subjectOf(operation, this.operations) });
    }
    const me = caller.displayName ?? (await this.ctx.tenant.directory.getUser(caller.userId))?.displayName;
    const draft: Draft = {
      id: randomUUID(),
      tenantId: caller.tenantId,
      requesterId: caller.userId,
      requesterName: me ?? caller.userId,
      operation,
      riskNotes,
      createdAt: this.ctx.clock.now().toISOString(),
    };
    await this.repository.saveDraft(draft);
    const names = await Promise.all(
      approverIds.map(async (id) => (await this.ctx.tenant.directory.getUser(id))?.displayName ?? id),
    );
    return { cards: [confirmCard(draft, names, this.operations)] };
  }
}
