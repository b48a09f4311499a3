/**
 * A third operation kind that exists only in the tests: "put a label on a flow". It is the proof that a kind is one
 * module: registry.test.ts registers it through compose() and nothing else, and drives it from a card button to the
 * final cards. What it does is deliberately small (a record in the store); the `control` lets the test make it need
 * attention once and withdraw an approver's entitlement after the request was sent.
 */
import type { OperationKind, OperationPayload } from '../../src/operations/operationKind';

export interface LabelFlowOperation extends OperationPayload {
  kind: 'label';
  flowName: string;
  label: string;
}

export interface LabelControl {
  /** Runs that end in needsAttention before one succeeds. */
  failuresLeft: number;
  /** People the kind no longer counts as approvers (checked again at every click). */
  withdrawn: Set<string>;
  /** People who may not ask for a label. */
  mayNotAsk: Set<string>;
  /** [Try the label again] presses the module accepted. */
  reopened: number;
  /** What the stored request said of its progress right after the run reported its first step. */
  progressSeen?: string;
}

export const LABELS = 'testLabels';
export const LABEL_REQUEST_VERB = 'label.request';

export function labelFlowOperation(control: LabelControl): OperationKind<LabelFlowOperation> {
  return {
    kind: 'label',
    job: 'label.apply',
    requests: {
      [LABEL_REQUEST_VERB]: {
        async draft(_ctx, caller, data) {
          const flowName = typeof data.flowName === 'string' ? data.flowName : '';
          const label = typeof data.label === 'string' ? data.label : '';
          if (!flowName || !label) return { subject: 'label', text: 'This button does not say which flow to label.' };
          if (control.mayNotAsk.has(caller.userId)) {
            return { refused: true, subject: flowName, text: `Only makers may label ${flowName}.` };
          }
          return {
            operation: { kind: 'label', flowName, label },
            riskNotes: [`Everyone in the tenant will see the label "${label}" on ${flowName}.`],
          };
        },
      },
    },
    retry: {
      title: 'Try the label again',
      tooltip: 'Put the label on again (fix the label service first)',
      historyLine: 'Label retried',
      async reopen() {
        control.reopened++;
        return true;
      },
    },
    subject: (operation) => operation.flowName,
    describeShort: (operation) => `label ${operation.flowName} "${operation.label}"`,
    describe: (operation) => ({
      title: 'Label a flow',
      summary: `put the label "${operation.label}" on ${operation.flowName}`,
      facts: [
        { title: 'Flow', value: operation.flowName },
        { title: 'Label', value: operation.label },
      ],
    }),
    async approvers(ctx) {
      return { approverIds: await ctx.access.approverIds(), requiredApprovals: 1 };
    },
    async mayApprove(ctx, caller) {
      return !control.withdrawn.has(caller.userId) && (await ctx.access.isApprover(caller));
    },
    async run(ctx, approval, controls) {
      await controls.progress('Step 1 of 2: asking the label service');
      // The card copies show it too, but the outbox may merge that update with the next one: read the record.
      const stored = await ctx.store.records.get<{ progress?: string }>('approvals', approval.id);
      control.progressSeen = stored?.value.progress;
      if (control.failuresLeft > 0) {
        control.failuresLeft--;
        return {
          state: 'needsAttention',
          result: 'The label service refused the label; nothing was changed.',
          tellAdmins: true,
        };
      }
      await ctx.store.records.put(LABELS, approval.id, {
        flowName: approval.operation.flowName,
        label: approval.operation.label,
      });
      return { state: 'done', result: `Labelled ${approval.operation.flowName} "${approval.operation.label}".` };
    },
  };
}
