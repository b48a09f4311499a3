/**
 * "Rotate an app registration's client secret" as an approved operation. The app's owners and the admins may ask
 * (rotationRequests.ts, which also writes the risk notes); the members of APPROVERS_GROUP approve, two of them with
 * ROTATION_REQUIRES_TWO_APPROVERS. The job runs the resumable saga of this folder (one per approval: its id is
 * derived from the approval's), and a saga that waits for the grace period is followed up when it ends. A rotation
 * whose connection switch failed needs attention: [Retry the switch] puts the saga back on that step.
 */
import { HeldByAnotherWorker } from '../../jobs/heldByAnotherWorker';
import { getLogger } from '../../logging/logger';
import type { OperationKind, OperationOutcome, OperationPayload } from '../operationKind';
import { advanceRotation } from './advanceRotation';
import { createRotation } from './createRotation';
import { reopenRotation } from './reopenRotation';
import type { Rotation } from './rotation';
import { rotationIdFor } from './rotationNames';
import type { RotationOptions } from './rotationOptions';
import { ROTATION_REQUEST_VERB } from './requestVerb';
import { draftRotation } from './rotationRequests';

const log = getLogger('operations.rotation');

export interface RotationOperation extends OperationPayload {
  kind: 'rotation';
  appObjectId: string;
  appId: string;
  appName: string;
}

/** Where the saga stands, in the words the cards and the requester's message use. Never carries a secret. */
function outcomeOf(rotation: Rotation): OperationOutcome | undefined {
  const reason = rotation.reason ?? '';
  switch (rotation.state) {
    case 'done':
      return {
        state: 'done',
        result:
          'The new secret is in Key Vault, verified, and in use by every connection of this app; the old secret was removed.',
      };
    case 'waiting':
      return {
        state: 'done',
        result: `The new secret is in Key Vault, verified, and in use by every connection of this app; the old secret will be removed after ${rotation.notBefore ?? 'the grace period'}.`,
        followUpAt: rotation.notBefore,
      };
    case 'failed':
      return { state: 'failed', result: `The rotation failed and the old secret was kept. ${reason}`.trim() };
    case 'needsAttention':
      // Both secrets are in place until someone fixes the connections: the admins must hear of it too.
      return {
        state: 'needsAttention',
        result: `The rotation needs attention: both secrets were kept. ${reason}`.trim(),
        tellAdmins: true,
      };
    default:
      return undefined;
  }
}

/** The rotation kind, with the saga tuned (tests shorten its lease so a killed process's rotation is taken over soon). */
export function rotationOperation(options?: RotationOptions): OperationKind<RotationOperation> {
  return {
    kind: 'rotation',
    // Stored with queued jobs: kept as released.
    job: 'rotation.run',

    requests: {
      // [Rotate] on an expiring secret or a finding: {appObjectId}.
      [ROTATION_REQUEST_VERB]: {
        draft(ctx, caller, data) {
          const appObjectId = typeof data.appObjectId === 'string' && data.appObjectId ? data.appObjectId : undefined;
          return draftRotation(ctx, caller, { appObjectId });
        },
      },
    },

    retry: {
      title: 'Retry the switch',
      tooltip: 'Switch the connections that failed to the new secret again (fix their cause first)',
      historyLine: 'Connection switch retried',
      async reopen(ctx, approval, by) {
        return (await reopenRotation(ctx, rotationIdFor(approval.id), by)) !== undefined;
      },
    },

    subject(operation) {
      return operation.appName;
    },

    describeShort(operation) {
      return `rotate the secret of ${operation.appName}`;
    },

    describe(operation) {
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
    },

    async approvers(ctx) {
      return {
        approverIds: await ctx.access.approverIds(),
        requiredApprovals: ctx.config.ROTATION_REQUIRES_TWO_APPROVERS ? 2 : 1,
      };
    },

    mayApprove(ctx, caller) {
      return ctx.access.isApprover(caller);
    },

    async run(ctx, approval, controls) {
      // Idempotent per approval: a second run (crash, retry, [Retry the switch]) gets the same saga back.
      const rotation = await createRotation(ctx, {
        appObjectId: approval.operation.appObjectId,
        requestedBy: approval.requesterId,
        approvalId: approval.id,
      });
      const outcome = outcomeOf(await advanceRotation(ctx, rotation.id, options, (steps) => controls.steps(steps)));
      // Another worker holds the saga right now: try again shortly (the queue redelivers a failed job).
      if (!outcome) throw new HeldByAnotherWorker('The rotation is being advanced by another worker; retrying.');
      return outcome;
    },

    async followUp(ctx, approval) {
      const rotation = await advanceRotation(ctx, rotationIdFor(approval.id), options);
      if (rotation.state === 'waiting') return { followUpAt: rotation.notBefore };
      if (rotation.state !== 'done') log.warn({ approvalId: approval.id, state: rotation.state }, 'rotation follow-up');
      return {};
    },
  };
}
