/**
 * Flow API runs (…/flows/{flow}/runs) mapped onto the tenant model. Shape as in a recorded answer of the list (CLI
 * for Microsoft 365, src/m365/flow/commands/run/run-list.spec.ts): `properties.startTime`, `endTime`, `status`.
 * A failed run's `properties.code` / `error.code` follow the Azure Logic Apps workflow run (Learn REST "Workflow
 * Runs - Get"), whose runs these are (their links point at logic.azure.com); unconfirmed on the Flow list, read
 * when present.
 */
import type { FlowRun, FlowRunStatus } from '../tenant/model';

export interface WireFlowRun {
  name: string;
  properties?: {
    startTime?: string;
    endTime?: string;
    status?: string;
    code?: string;
    error?: { code?: string };
  };
}

const STATUSES: FlowRunStatus[] = ['Succeeded', 'Failed', 'Cancelled', 'Running', 'Skipped'];

export function mapFlowRun(wire: WireFlowRun): FlowRun | undefined {
  const p = wire.properties ?? {};
  if (!p.startTime) return undefined;
  const status = STATUSES.find((s) => s.toLowerCase() === (p.status ?? '').toLowerCase()) ?? 'Other';
  const errorCode = p.error?.code ?? (status === 'Failed' ? p.code : undefined);
  return {
    name: wire.name,
    status,
    startTime: p.startTime,
    ...(p.endTime ? { endTime: p.endTime } : {}),
    ...(errorCode ? { errorCode } : {}),
  };
}

/** The newest of some runs (by start time), whatever order the page came in. */
export function newestRun(runs: (FlowRun | undefined)[]): FlowRun | undefined {
  let newest: FlowRun | undefined;
  for (const run of runs) if (run && (!newest || run.startTime > newest.startTime)) newest = run;
  return newest;
}
