/**
 * "Re-point a solution's connection references" as an approved operation. The solution's owners (owners of its
 * flows) and the admins may ask (repointPlan.ts builds the preview and the risk notes); the admins (Power Platform
 * Admins) or the solution's owners approve, re-checked at each click. The job (advanceRepoint.ts) binds each
 * reference, then turns each flow that was on off and on and verifies it, recording the previous bindings, so that
 * [Undo the re-point] (undoRequest.ts) can ask, for 7 days, to put them back: a request of the same kind.
 *
 * A target the bot's identity may not use is refused in the preview rather than shared with the bot by the job:
 * sharing a technical user's connection is its owner's decision (docs/deployment.md), and whether the admin API
 * may share a person's OAuth connection with a service principal is unconfirmed, so the approved job does not
 * widen anyone's access on its own.
 */
import { flowPageUrl } from '../../connections/makerPortal';
import { HeldByAnotherWorker } from '../../jobs/heldByAnotherWorker';
import type { OperationKind, OperationOutcome } from '../operationKind';
import { advanceRepoint, restoreAfterGiveUp } from './advanceRepoint';
import type { RepointOptions } from './repointOptions';
import type { RepointOperation } from './repointOperation';
import { draftRepoint, solutionOwners } from './repointPlan';
import { reopenRepoint } from './reopenRepoint';
import { insertSaga, loadSaga, newSaga, type RepointSaga, type SagaFlow } from './repointSaga';
import { repointSteps } from './repointSteps';
import { draftUndo, undoableUntil } from './undoRequest';

export { REPOINT_REQUEST_VERB } from './requestVerb';
import { REPOINT_REQUEST_VERB } from './requestVerb';
export const REPOINT_UNDO_VERB = 'repoint.undo';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

const day = (iso: string): string => iso.slice(0, 10);

function outcomeOf(saga: RepointSaga): OperationOutcome {
  const bound = saga.references.filter((r) => r.outcome === 'bound');
  const failedRefs = saga.references.filter((r) => r.outcome === 'failed');
  const restarted = saga.flows.filter((f) => f.outcome === 'restarted' || f.outcome === 'unchanged');
  const leftOff = saga.flows.filter((f) => f.outcome === 'leftOff');
  const failedFlows = saga.flows.filter((f) => f.outcome === 'failed');
  const rolledBackFlows = saga.flows.filter((f) => f.outcome === 'rolledBack');
  const restored = saga.flows.filter((f) => f.outcome === 'restored');
  const rolledBackRefs = saga.references.filter((r) => r.outcome === 'rolledBack');
  const notTried = saga.references.filter((r) => r.outcome === 'pending');
  const parts: string[] = [];
  if (bound.length) {
    parts.push(
      `${saga.operation.undoOf ? 'Put back' : 'Re-pointed'}: ${bound.map((r) => `${r.displayName} → ${r.toName}`).join('; ')}.`,
    );
  }
  if (restarted.length) {
    parts.push(
      `${restarted.map((f) => f.displayName).join(', ')} turned off and on, and verified on the new connections.`,
    );
  }
  if (leftOff.length) parts.push(`${leftOff.map((f) => f.displayName).join(', ')} was off and stays off.`);
  for (const r of failedRefs) parts.push(`${r.displayName} was not re-pointed: ${r.error ?? 'refused'}.`);
  for (const f of rolledBackFlows) {
    parts.push(
      `${f.displayName} could not be turned on with the new connections${f.error ? ` (${f.error})` : ''}: it is on again with its previous ones.`,
    );
  }
  if (rolledBackRefs.length) {
    parts.push(
      `Put back on their previous connections: ${rolledBackRefs.map((r) => `${r.displayName} → ${r.previousName ?? r.previous ?? '(none)'}`).join('; ')}.`,
    );
  }
  if (restored.length) {
    parts.push(
      `The job gave up after repeated failures of the service: ${restored.map((f) => f.displayName).join(', ')} turned back on, on the connections its references name now.`,
    );
  }
  const untouched = saga.flows.filter((f) => f.outcome === 'pending' && f.wasOn);
  if (untouched.length) {
    parts.push(
      `${untouched.map((f) => f.displayName).join(', ')} was not turned off and on: it stays on with the connections it started with until it is.`,
    );
  }
  if (notTried.length) {
    parts.push(`${notTried.map((r) => r.displayName).join(', ')} not re-pointed: the job gave up before; ask again.`);
  }
  for (const f of saga.flows.filter((x) => x.outcome === 'leftOn')) {
    parts.push(
      `${f.displayName} was ${f.error ?? 'not turned off and on'}. It is on, with the connections it started with, and takes its references' connections the next time it is turned off and on: ${RETRY_TITLE} once the cause is fixed.`,
    );
  }
  for (const f of failedFlows) parts.push(offFlowStep(saga, f));
  const until = undoableUntil(saga);
  if (until && !saga.operation.undoOf)
    parts.push(`[Undo the re-point] puts the previous connections back until ${day(until)}.`);
  const result = parts.join(' ');
  if (saga.state === 'failed') return { state: 'failed', result: `Nothing was changed. ${result}`.trim() };
  if (saga.state === 'needsAttention') return { state: 'needsAttention', result, tellAdmins: true };
  return { state: 'done', result };
}

const RETRY_TITLE = '[Retry the re-point]';

/**
 * A flow this run left off, said with its exact manual step: what is in the way (the previous connection the bot
 * may not use, else the service's refusal), then [Retry the re-point], or turning it on in Power Automate.
 */
function offFlowStep(saga: RepointSaga, flow: SagaFlow): string {
  const refusedBack = saga.references.filter(
    (r) => flow.referenceLogicalNames.includes(r.logicalName) && r.rollBackRefused,
  );
  const share = refusedBack.length
    ? ` To put back its previous connections, ${refusedBack.map((r) => r.previousName ?? r.previous ?? '(none)').join(' and ')} must first be shared with the bot's service principal (Can use), by its owner or by an admin (PowerShell: Set-AdminPowerAppConnectionRoleAssignment).`
    : '';
  return `${flow.displayName} is OFF: the service refused to turn it on again (${flow.error ?? 'refused'}).${share} Once the cause is fixed, press ${RETRY_TITLE} (it turns the flow on and finishes the re-point), or turn it on in Power Automate: ${flowPageUrl(saga.environmentId, flow.flowId)}.`;
}

export function repointOperation(options: RepointOptions = {}): OperationKind<RepointOperation> {
  return {
    kind: 'repoint',
    // Stored with queued jobs: never rename once released.
    job: 'repoint.run',

    requests: {
      // [Re-point references] on a solution's references card, a finding or the impact card of a connection:
      // {solutionId, environmentId, referenceId?, connectionName?, target?} or {solutionName, environmentId?,
      // fromConnectionName?}. Untrusted: everything is looked up again.
      [REPOINT_REQUEST_VERB]: {
        draft(ctx, caller, data) {
          return draftRepoint(ctx, caller, {
            solutionName: text(data.solutionName),
            solutionId: text(data.solutionId),
            environmentId: text(data.environmentId),
            referenceId: text(data.referenceId),
            connectionName: text(data.connectionName),
            fromConnectionName: text(data.fromConnectionName),
            target: text(data.target),
          });
        },
      },
      // [Undo the re-point] on a finished re-point: {approvalId}.
      [REPOINT_UNDO_VERB]: {
        draft(ctx, caller, data) {
          return draftUndo(ctx, caller, text(data.approvalId) ?? '');
        },
      },
    },

    retry: {
      title: 'Retry the re-point',
      tooltip: 'Once the cause is fixed: turn on the flows that are off and finish the steps that were refused',
      historyLine: 'Re-point retried',
      async reopen(ctx, approval, by) {
        return (await reopenRepoint(ctx, approval.id, by)) !== undefined;
      },
    },

    finalRequest: {
      verb: REPOINT_UNDO_VERB,
      title: 'Undo the re-point',
      tooltip: 'Ask to bind the references to their previous connections again (for 7 days)',
      offeredFor: (operation) => operation.undoOf === undefined,
    },

    subject(operation) {
      return operation.solutionName;
    },

    describeShort(operation) {
      return `${operation.undoOf ? 'undo the re-point of' : 're-point the connection references of'} ${operation.solutionName}`;
    },

    describe(operation) {
      const facts = [
        { title: 'Solution', value: `${operation.solutionName} (${operation.environmentName})` },
        ...operation.references.map((r) => ({
          title: r.displayName,
          value: `${r.from?.displayName ?? '(no connection)'} → ${r.to.displayName}`,
        })),
        ...operation.flows.map((f) => ({
          title: `Flow ${f.displayName}`,
          value: f.onWhenDrafted
            ? `on: will be turned off and on to use ${f.referenceLogicalNames.length > 1 ? 'the new connections' : 'the new connection'}`
            : 'off: stays off (it takes the new connection when next turned on)',
        })),
        ...operation.refused.map((r) => ({
          title: `${r.displayName} (not re-pointed)`,
          value: r.reason,
        })),
      ];
      const undo = operation.undoOf !== undefined;
      return {
        title: undo
          ? `Undo the re-point of ${operation.solutionName}`
          : `Re-point the connection references of ${operation.solutionName}`,
        summary: undo
          ? `put back the previous connections of ${operation.solutionName}'s references (${operation.environmentName})`
          : `re-point ${operation.references.length} connection reference${operation.references.length > 1 ? 's' : ''} of ${operation.solutionName} (${operation.environmentName})`,
        facts,
      };
    },

    async approvers(ctx, _requesterId, operation) {
      return { approverIds: [...(await ctx.access.adminIds()), ...operation.solutionOwnerIds], requiredApprovals: 1 };
    },

    async mayApprove(ctx, caller, approval) {
      if (await ctx.access.isAdmin(caller)) return true;
      const op = approval.operation;
      if (!ctx.access.sameTenant(caller) || !op.solutionOwnerIds.includes(caller.userId)) return false;
      // Still an owner of one of the solution's flows now, not only when the request was sent.
      const flows = await Promise.all(
        op.flows.map((f) => ctx.tenant.flows.getFlow(op.environmentId, f.flowId).catch(() => undefined)),
      );
      const owners = await solutionOwners(
        ctx,
        op.environmentId,
        flows.filter((f) => f !== undefined),
      );
      return owners.includes(caller.userId);
    },

    async run(ctx, approval, controls) {
      // One saga per approval: a job delivered again gets the same record back and resumes it.
      await insertSaga(ctx.store.records, newSaga(approval.id, approval.operation, ctx.clock.now().toISOString()));
      const report = (saga: RepointSaga) => controls.steps(repointSteps(saga));
      let saga: RepointSaga | undefined;
      try {
        // The step list says where it stands; the one-line progress would repeat it.
        saga = await advanceRepoint(ctx, approval.id, async () => undefined, options, report);
      } catch (error) {
        const stored = (await loadSaga(ctx.store.records, approval.id))?.value;
        if (controls.lastDelivery) {
          // The job gives up after this: turn back on what the run turned off, then say where everything is.
          const restored = await restoreAfterGiveUp(ctx, approval.id, options).catch(() => undefined);
          if (restored) return outcomeOf(restored);
        } else if (stored) {
          await controls.steps(repointSteps(stored, { retryingSince: ctx.clock.now().toISOString() }));
        }
        throw error;
      }
      // Another worker holds it right now: the queue delivers the job again shortly.
      if (!saga) throw new HeldByAnotherWorker('The re-point is being run by another worker; retrying.');
      return outcomeOf(saga);
    },
  };
}
