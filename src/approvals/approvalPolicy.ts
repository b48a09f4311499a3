/**
 * Who may ask for what, who decides, and for how long a request stays open. Decided server-side from the
 * verified Caller and the tenant, never from card data.
 *
 * Policy (configuration names in capitals). The built-in kinds, as their modules in src/operations/<kind>/ decide:
 * - Share a connection ("Can use" = CanView, or CanEdit): anyone in the tenant may request it. A request made
 *   from a flow (the [Request access] button of a diagnosis) is allowed only to an owner or co-owner of that flow,
 *   and only for connections that flow uses. An OAuth connection is shared only with a service principal (e.g. a
 *   deployment pipeline's): a request to share one with a person is refused with the reason and the documented
 *   alternatives (connections/sharingRule.ts), when drafted and again when executed. Approvers: the connection's
 *   owner and the admins (ADMINS_GROUP).
 * - Rotate an app registration's client secret: only the app's owners (Entra app owners) and admins may request
 *   it. Approvers: the members of APPROVERS_GROUP; with ROTATION_REQUIRES_TWO_APPROVERS=true two distinct
 *   approvers must approve before it runs.
 * For every kind, here:
 * - Separation of duties: nobody approves their own request (the requester is removed from the approver list,
 *   and a click by the requester is refused and audited). A request nobody else can approve is not sent.
 * - Pending requests expire after APPROVAL_EXPIRY_HOURS (default 24); a click after that is refused.
 * - Any approver's [Reject] ends the request.
 */
import type { DomainContext } from '../context';
import type { ApproverList } from '../operations/operationKind';
import type { OperationRegistry } from '../operations/registry';
import type { Operation } from './approvalRecord';

/** Everyone allowed to decide on the operation (its module says who), without the requester. */
export async function approversFor(
  ctx: DomainContext,
  operations: OperationRegistry,
  requesterId: string,
  operation: Operation,
): Promise<ApproverList> {
  const { approverIds, requiredApprovals } = await operations.of(operation).approvers(ctx, requesterId, operation);
  return { approverIds: [...new Set(approverIds)].filter((id) => id !== requesterId), requiredApprovals };
}

export function expiryFrom(ctx: DomainContext, createdAt: Date): Date {
  return new Date(createdAt.getTime() + ctx.config.APPROVAL_EXPIRY_HOURS * 3_600_000);
}
