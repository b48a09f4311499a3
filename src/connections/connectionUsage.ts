/**
 * Which flows use which connection. Classic flows name their connection directly; solution flows go through a
 * Dataverse connection reference (logical name → reference → connection), so the reference is the truth for them
 * even when the Flow API also echoes a resolved connection name.
 */
import type { Flow, FlowConnectionReference } from '../tenant/model';
import type { SnapshotReference, SnapshotSolutionFlow } from './tenantSnapshot';
import { connectionKey } from './tenantFacts';

export interface FlowUse {
  environmentId: string;
  displayName: string;
  /** Flow API id, when the flow is known to the Flow API. */
  flowId?: string;
  workflowId?: string;
  on: boolean;
}

export type ReferenceBinding =
  | { kind: 'direct'; connectionName: string }
  | { kind: 'reference'; reference: SnapshotReference; connectionName?: string }
  | { kind: 'missingReference'; logicalName: string }
  | { kind: 'none' };

/** Indexes references by environment and logical name (case-insensitive, as Dataverse compares them). */
export function indexReferences(references: SnapshotReference[]): Map<string, SnapshotReference> {
  const index = new Map<string, SnapshotReference>();
  for (const reference of references) {
    index.set(`${reference.environmentId}/${reference.logicalName.toLowerCase()}`, reference);
  }
  return index;
}

export function bindingOf(
  environmentId: string,
  flowReference: Pick<FlowConnectionReference, 'connectionName' | 'connectionReferenceLogicalName'>,
  referencesByName: Map<string, SnapshotReference>,
): ReferenceBinding {
  const logicalName = flowReference.connectionReferenceLogicalName;
  if (logicalName) {
    const reference = referencesByName.get(`${environmentId}/${logicalName.toLowerCase()}`);
    if (reference) return { kind: 'reference', reference, connectionName: reference.connectionName };
    if (!flowReference.connectionName) return { kind: 'missingReference', logicalName };
  }
  if (flowReference.connectionName) return { kind: 'direct', connectionName: flowReference.connectionName };
  return { kind: 'none' };
}

/** connectionKey → the flows using that connection (each flow once). */
export function connectionUsage(input: {
  flows: Flow[];
  solutionFlows?: SnapshotSolutionFlow[];
  references: SnapshotReference[];
}): Map<string, FlowUse[]> {
  const referencesByName = indexReferences(input.references);
  const usage = new Map<string, Map<string, FlowUse>>();
  const add = (environmentId: string, connectionName: string | undefined, flowKey: string, use: FlowUse) => {
    if (!connectionName) return;
    const key = connectionKey(environmentId, connectionName);
    let flows = usage.get(key);
    if (!flows) usage.set(key, (flows = new Map()));
    flows.set(flowKey, use);
  };
  const knownWorkflows = new Set<string>();
  for (const flow of input.flows) {
    if (flow.workflowId) knownWorkflows.add(flow.workflowId.toLowerCase());
    const use: FlowUse = {
      environmentId: flow.environmentId,
      displayName: flow.displayName,
      flowId: flow.id,
      workflowId: flow.workflowId,
      on: flow.state === 'Started',
    };
    for (const reference of flow.connectionReferences) {
      const binding = bindingOf(flow.environmentId, reference, referencesByName);
      const name = binding.kind === 'direct' || binding.kind === 'reference' ? binding.connectionName : undefined;
      add(flow.environmentId, name, `flow:${flow.id}`, use);
    }
  }
  for (const flow of input.solutionFlows ?? []) {
    if (knownWorkflows.has(flow.workflowId.toLowerCase())) continue;
    const use: FlowUse = {
      environmentId: flow.environmentId,
      displayName: flow.name,
      workflowId: flow.workflowId,
      on: flow.stateCode === 1,
    };
    for (const logicalName of flow.connectionReferenceLogicalNames) {
      const reference = referencesByName.get(`${flow.environmentId}/${logicalName.toLowerCase()}`);
      add(flow.environmentId, reference?.connectionName, `workflow:${flow.workflowId}`, use);
    }
  }
  return new Map([...usage].map(([key, flows]) => [key, [...flows.values()]]));
}

/** Flows (by display name) that use a reference, by logical name, per environment. */
export function referenceUsage(input: {
  flows: Flow[];
  solutionFlows?: SnapshotSolutionFlow[];
}): Map<string, FlowUse[]> {
  const usage = new Map<string, Map<string, FlowUse>>();
  const add = (environmentId: string, logicalName: string, flowKey: string, use: FlowUse) => {
    const key = `${environmentId}/${logicalName.toLowerCase()}`;
    let flows = usage.get(key);
    if (!flows) usage.set(key, (flows = new Map()));
    flows.set(flowKey, use);
  };
  const knownWorkflows = new Set<string>();
  for (const flow of input.flows) {
    if (flow.workflowId) knownWorkflows.add(flow.workflowId.toLowerCase());
    for (const reference of flow.connectionReferences) {
      if (!reference.connectionReferenceLogicalName) continue;
      add(flow.environmentId, reference.connectionReferenceLogicalName, `flow:${flow.id}`, {
        environmentId: flow.environmentId,
        displayName: flow.displayName,
        flowId: flow.id,
        workflowId: flow.workflowId,
        on: flow.state === 'Started',
      });
    }
  }
  for (const flow of input.solutionFlows ?? []) {
    if (knownWorkflows.has(flow.workflowId.toLowerCase())) continue;
    for (const logicalName of flow.connectionReferenceLogicalNames) {
      add(flow.environmentId, logicalName, `workflow:${flow.workflowId}`, {
        environmentId: flow.environmentId,
        displayName: flow.name,
        workflowId: flow.workflowId,
        on: flow.stateCode === 1,
      });
    }
  }
  return new Map([...usage].map(([key, flows]) => [key, [...flows.values()]]));
}
