/**
 * "Share a connection" as an approved operation: one or more connections of one owner shared with a person, a
 * group or a service principal ("Can use" = CanView, or "Can edit"). Anyone in the tenant may ask, within the rules
 * of shareRequests.ts (which also writes the risk notes); the connections' owners and the admins approve. The job
 * shares each connection and verifies it by reading the permissions back.
 */
import { isTenantApiError } from '../../tenant/errors';
import type { OperationKind, OperationOutcome, OperationPayload } from '../operationKind';
import { shareConnection, ShareRefusedError } from '../shareConnection';
import { draftAccessRequest } from './shareRequests';

/** A connection as the request recorded it (names included, so cards need no look-up). */
export interface ConnectionTarget {
  environmentId: string;
  environmentName: string;
  connector: string;
  connectionName: string;
  displayName: string;
  ownerId: string;
  ownerName: string;
}

export interface ShareOperation extends OperationPayload {
  kind: 'share';
  connections: ConnectionTarget[];
  principalId: string;
  principalName: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  role: 'CanView' | 'CanEdit';
  /** The flow the requester wants to run, when the request came from a diagnosis. */
  flow?: { id: string; displayName: string };
}

const ROLE_WORDS = { CanView: 'Can use', CanEdit: 'Can edit' } as const;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const namesOf = (operation: ShareOperation): string => operation.connections.map((c) => c.displayName).join(', ');

/** Errors that will not go away by retrying: end the request instead of trying 5 times. */
const isPermanent = (error: unknown): boolean =>
  error instanceof ShareRefusedError ||
  (isTenantApiError(error) && ['forbidden', 'notFound', 'badRequest'].includes(error.kind));

export const shareOperation: OperationKind<ShareOperation> = {
  kind: 'share',
  // Stored with queued jobs: kept as released.
  job: 'share.execute',

  requests: {
    // [Request access] on a connection of a status or diagnosis card: {environmentId, connector, connectionName, flowId?}.
    'access.request': {
      draft(ctx, caller, data) {
        const environmentId = text(data.environmentId);
        const connector = text(data.connector);
        const connectionName = text(data.connectionName);
        if (!environmentId || !connector || !connectionName) {
          return Promise.resolve({
            subject: 'request',
            text: 'This button is missing the connection it is about. Ask me to diagnose the flow again.',
          });
        }
        const flowId = text(data.flowId) || undefined;
        return draftAccessRequest(ctx, caller, { environmentId, connector, connectionName, flowId });
      },
    },
  },

  subject: namesOf,

  describeShort(operation) {
    return `share ${namesOf(operation)} with ${operation.principalName}`;
  },

  describe(operation) {
    const names = namesOf(operation);
    const environments = [...new Set(operation.connections.map((c) => c.environmentName))].join(', ');
    const owners = [...new Set(operation.connections.map((c) => c.ownerName))].join(', ');
    const several = operation.connections.length > 1;
    const facts = [
      { title: several ? 'Connections' : 'Connection', value: names },
      { title: 'Environment', value: environments },
      { title: 'Owner', value: owners },
      { title: 'Share with', value: operation.principalName },
      { title: 'Permission', value: ROLE_WORDS[operation.role] },
    ];
    if (operation.flow) facts.push({ title: 'For the flow', value: operation.flow.displayName });
    const what = several ? `the connections ${names}` : `the connection ${names}`;
    return {
      title: several ? 'Share connections' : 'Share a connection',
      summary: `share ${what} (${environments}) with ${operation.principalName} as "${ROLE_WORDS[operation.role]}"`,
      facts,
    };
  },

  async approvers(ctx, _requesterId, operation) {
    return {
      approverIds: [...operation.connections.map((c) => c.ownerId), ...(await ctx.access.adminIds())],
      requiredApprovals: 1,
    };
  },

  async mayApprove(ctx, caller, approval) {
    if (approval.operation.connections.some((c) => c.ownerId === caller.userId)) return true;
    return ctx.access.isAdmin(caller);
  },

  async run(ctx, approval, controls): Promise<OperationOutcome> {
    const op = approval.operation;
    const unverified: string[] = [];
    // One step per connection; a share is idempotent, so a re-run (crash, retry) starts the list again from the top.
    // A one-connection share says no more than "running…" does: no list, and no extra write of the request.
    const steps = async (current: number) => {
      if (op.connections.length < 2) return;
      await controls.steps(
        op.connections.map((c, i) => ({
          title: `Share ${c.displayName} with ${op.principalName} and read it back`,
          state: i < current ? 'done' : i === current ? 'running' : 'pending',
        })),
      );
    };
    for (const [index, connection] of op.connections.entries()) {
      await steps(index);
      try {
        const { verified } = await shareConnection(ctx, {
          environmentId: connection.environmentId,
          connector: connection.connector,
          connectionName: connection.connectionName,
          principalId: op.principalId,
          principalType: op.principalType,
          role: op.role,
          displayName: connection.displayName,
        });
        if (!verified) unverified.push(connection.displayName);
      } catch (error) {
        if (!isPermanent(error)) throw error;
        return {
          state: 'failed',
          result:
            error instanceof ShareRefusedError
              ? `${error.message} Nothing else was changed after that.`
              : `Sharing ${connection.displayName} was refused by Power Platform (${isTenantApiError(error) ? error.code : 'error'}). Nothing else was changed after that.`,
        };
      }
    }
    await steps(op.connections.length);
    if (unverified.length) {
      return {
        state: 'needsAttention',
        result: `The share of ${unverified.join(', ')} was sent but could not be verified by reading the permissions back. An admin should check it.`,
      };
    }
    const next = op.flow ? ` ${op.principalName} can now turn on ${op.flow.displayName}.` : '';
    return {
      state: 'done',
      result: `Shared ${namesOf(op)} with ${op.principalName} (${ROLE_WORDS[op.role]}).${next}`,
    };
  },
};
