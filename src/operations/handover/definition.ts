/**
 * "Hand over a leaver's flows" as an approved operation: the frozen plan of handoverPlan.ts (owners, references and
 * what cannot be automated), asked for by an admin (handoverRequests.ts), approved by a Power Platform admin — and,
 * with HANDOVER_REQUIRES_MANAGER=true, also by the leaver's manager when the directory records one — and run step by
 * step by handoverRun.ts. The outcome says, per flow, "handed over" or what the new owner still has to do.
 */
import type { DomainContext } from '../../context';
import { flowPageUrl } from '../../connections/makerPortal';
import type { CardFact, OperationKind, OperationOutcome } from '../operationKind';
import type { HandoverOperation } from './handoverPlan';
import type { HandoverOptions } from './handoverOptions';
import { draftHandover } from './handoverRequests';
import { HANDOVER_REQUEST_VERB } from './requestVerb';
import { HandoverBusyError, HANDOVERS, restoreHandover, runHandover, type HandoverRecord } from './handoverRun';
import { handoverSteps } from './handoverSteps';
import { reopenHandover } from './reopenHandover';

export { HANDOVER_REQUEST_VERB };

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** The second approver, when the setting asks for one and the directory has one. */
export interface ManagerApproval {
  managerId?: string;
  managerName?: string;
}

type Handover = HandoverOperation & ManagerApproval;

async function withManager(ctx: DomainContext, operation: HandoverOperation): Promise<Handover> {
  if (!ctx.config.HANDOVER_REQUIRES_MANAGER) return operation;
  const manager = await ctx.tenant.directory.getManager(operation.fromId).catch(() => undefined);
  return manager ? { ...operation, managerId: manager.id, managerName: manager.displayName } : operation;
}

function flowFacts(op: HandoverOperation): CardFact[] {
  return op.flows.map((flow) => {
    const refs = op.references.filter((r) => r.flowIds.includes(flow.flowId));
    const owner =
      flow.ownership === 'coOwner'
        ? `${op.toName} becomes co-owner`
        : flow.ownership === 'dataverseOwner'
          ? `${op.toName} becomes its owner (solution flow: changed in Dataverse)`
          : `stays with its owner (it only uses ${op.fromName}'s connections)`;
    const moved = refs.filter((r) => r.to).length;
    return {
      title: `${flow.displayName} (${flow.environmentName})`,
      value: `${owner}${moved ? `; turned off and on (if on) to take the new connections` : ''}.`,
    };
  });
}

function appFacts(op: HandoverOperation): CardFact[] {
  return (op.apps ?? []).map((app) => ({
    title: `${app.displayName} (canvas app, ${app.environmentName})`,
    value: `${op.toName} becomes its owner; ${op.fromName} keeps Can view. Its users keep signing in with their own connections.`,
  }));
}

function referenceFacts(op: HandoverOperation): CardFact[] {
  return op.references.map((r) => ({
    title: `"${r.displayName}"`,
    value: r.to
      ? `${r.from.displayName || r.from.connectionName} → ${r.to.displayName} (${r.to.signsInAs})`
      : `${r.from.displayName || r.from.connectionName} → no replacement in ${r.environmentName}: ${op.toName} must create one`,
  }));
}

export function handoverOperation(options: HandoverOptions = {}): OperationKind<Handover> {
  return {
    kind: 'handover',
    // Stored with queued jobs: keep it as released.
    job: 'handover.execute',

    retry: {
      title: 'Retry the handover',
      tooltip: 'Once the cause is fixed: turn on the flows that are off and run again the steps that were refused',
      historyLine: 'Handover retried',
      async reopen(ctx, approval, by) {
        return (await reopenHandover(ctx, approval.id, approval.operation, by)) !== undefined;
      },
    },

    requests: {
      // [Hand over] on a disabled-owner finding or an impact card: {userId} of the leaver (+ toUserId when known).
      [HANDOVER_REQUEST_VERB]: {
        async draft(ctx, caller, data) {
          const fromId = text(data.userId);
          const fromQuery = text(data.from);
          const drafted = await draftHandover(ctx, caller, {
            fromId: fromId || undefined,
            fromQuery: fromQuery || undefined,
            toId: text(data.toUserId) || undefined,
            toQuery: text(data.to) || undefined,
          });
          return 'operation' in drafted
            ? { operation: await withManager(ctx, drafted.operation), riskNotes: drafted.riskNotes }
            : drafted;
        },
      },
    },

    subject: (op) => `${op.fromName}'s flows`,

    describeShort: (op) => `hand over ${op.fromName}'s flows to ${op.toName}`,

    describe(op) {
      const facts: CardFact[] = [
        { title: 'From', value: `${op.fromName} (their connections are replaced, not moved)` },
        { title: 'To', value: op.toName },
        ...flowFacts(op),
        ...appFacts(op),
        ...referenceFacts(op),
      ];
      if (op.manual.length) facts.push({ title: 'Not automated', value: op.manual.join(' • ') });
      if (op.managerName) facts.push({ title: 'Also approves', value: `${op.managerName} (${op.fromName}'s manager)` });
      return {
        title: "Hand over a leaver's flows",
        summary: `hand over ${op.fromName}'s flows (${op.flows.length})${op.apps?.length ? ` and canvas apps (${op.apps.length}),` : ''} and re-point ${op.references.filter((r) => r.to).length} connection reference(s) to ${op.toName}`,
        facts,
      };
    },

    async approvers(ctx, requesterId, op) {
      const admins = await ctx.access.adminIds();
      // A manager who asks has agreed by asking (and may not approve their own request): one admin then suffices.
      return op.managerId && op.managerId !== requesterId
        ? { approverIds: [...new Set([...admins, op.managerId])], requiredApprovals: 2 }
        : { approverIds: admins, requiredApprovals: 1 };
    },

    async mayApprove(ctx, caller, approval) {
      const { managerId } = approval.operation;
      if (managerId && caller.userId === managerId) return true;
      if (!(await ctx.access.isAdmin(caller))) return false;
      if (!managerId || managerId === approval.requesterId) return true;
      // Two approvals are needed, and one of them must be the manager's: a second admin may not take its place.
      const stored = await ctx.store.records.get<{ decisions?: { by: string; decision: string }[] }>(
        'approvals',
        approval.id,
      );
      const others = (stored?.value.decisions ?? []).filter(
        (d) => d.decision === 'approve' && d.by !== managerId && d.by !== caller.userId,
      );
      return others.length === 0;
    },

    async run(ctx, approval, controls): Promise<OperationOutcome> {
      try {
        const record = await runHandover(ctx, approval.id, approval.operation, controls, options);
        return outcomeOf(approval.operation, record);
      } catch (error) {
        if (error instanceof HandoverBusyError) throw error;
        if (controls.lastDelivery) {
          // The job gives up after this: turn back on what the run turned off, then say where everything is.
          const restored = await restoreHandover(ctx, approval.id, approval.operation, options).catch(() => undefined);
          if (restored) return outcomeOf(approval.operation, restored);
        } else {
          const stored = (await ctx.store.records.get<HandoverRecord>(HANDOVERS, approval.id))?.value;
          if (stored) {
            await controls.steps(
              handoverSteps(approval.operation, stored, { retryingSince: ctx.clock.now().toISOString() }),
            );
          }
        }
        throw error;
      }
    },
  };
}

/** Per flow: handed over, or what the new owner still has to do; then what was never automatable. */
export function outcomeOf(op: HandoverOperation, record: HandoverRecord): OperationOutcome {
  const handedOver: string[] = [];
  const needs: string[] = [];
  let refused = false;
  for (const flow of op.flows) {
    const progress = record.flows[flow.flowId] ?? {};
    const problems: string[] = [];
    if (progress.owner === 'refused' || (progress.restart && progress.restart !== 'done')) refused = true;
    if (progress.owner === 'refused')
      problems.push(`${op.toName} could not be made its owner (${progress.problem ?? 'refused'})`);
    for (const r of op.references.filter((ref) => ref.flowIds.includes(flow.flowId))) {
      const bound = record.references[r.referenceId];
      if (!r.to) problems.push(`${op.toName} must create a connection for "${r.displayName}" and bind it`);
      else if (bound?.bind === 'refused') {
        refused = true;
        problems.push(`"${r.displayName}" was not re-pointed (${bound.problem ?? 'refused'})`);
      } else if (bound?.bind === 'rolledBack') {
        refused = true;
        problems.push(`"${r.displayName}" is back on ${r.from.displayName || r.from.connectionName}`);
      } else if (!bound?.bind && record.gaveUp) {
        refused = true;
        problems.push(`"${r.displayName}" was not re-pointed (the job gave up before)`);
      }
    }
    if (progress.restart === 'refused') {
      problems.push(
        `it is OFF: it could not be turned on again (${progress.problem ?? 'refused'}); once the cause is fixed, press [Retry the handover], or turn it on in Power Automate: ${flowPageUrl(flow.environmentId, flow.flowId)}`,
      );
    }
    if (progress.restart === 'leftOn') {
      problems.push(
        `it was ${progress.problem ?? 'not turned off and on'}; it is on, with the connections it started with, and takes its references' connections the next time it is turned off and on`,
      );
    }
    if (progress.restart === 'rolledBack') {
      problems.push(
        `it could not be turned on with the new connections (${progress.problem ?? 'refused'}), so it runs again on ${op.fromName}'s`,
      );
    }
    if (progress.restart === 'restored') {
      problems.push('the job gave up after repeated failures of the service; it was turned back on');
    }
    if (record.gaveUp && progress.wasOn && progress.restart === undefined) {
      problems.push('it was not turned off and on: it keeps the connections it started with until it is');
    }
    if (problems.length) needs.push(`${flow.displayName}: ${problems.join('; ')}`);
    else handedOver.push(flow.displayName + (progress.wasOn === false ? ' (it was off and stays off)' : ''));
  }
  const appsGiven: string[] = [];
  for (const app of op.apps ?? []) {
    const progress = record.apps?.[app.appId] ?? {};
    if (progress.owner === 'done') appsGiven.push(app.displayName);
    else {
      refused = true;
      needs.push(
        `${app.displayName} (canvas app): ${op.toName} could not be made its owner (${progress.owner === 'refused' ? (progress.problem ?? 'refused') : 'the job gave up before'}); an admin can change its owner in the Power Platform admin center`,
      );
    }
  }
  const other = op.references.filter(
    (r) => !r.flowIds.length && r.to && record.references[r.referenceId]?.bind === 'refused',
  );
  for (const r of other) {
    refused = true;
    needs.push(`"${r.displayName}": ${record.references[r.referenceId]?.problem ?? 'refused'}`);
  }
  const parts = [
    handedOver.length ? `Handed over to ${op.toName}: ${handedOver.join(', ')}.` : '',
    appsGiven.length
      ? `Canvas apps now owned by ${op.toName}: ${appsGiven.join(', ')} (${op.fromName} keeps Can view).`
      : '',
    needs.length ? `Still to do: ${needs.join(' — ')}.` : '',
    op.manual.length ? `Not automatable: ${op.manual.join(' ')}` : '',
  ].filter(Boolean);
  return { state: refused ? 'needsAttention' : 'done', result: parts.join(' '), tellAdmins: refused };
}
