/**
 * Step: make a flow that was on take its connection references' current bindings, by turning it off and on, and
 * verify it. A flow that is on keeps the connections it started with, so binding a reference is not enough.
 *
 * Safe to run again at any point: it reads the flow first; a flow already on and using `expected` is left alone
 * (a repeated call, or a crash after the start), one that is on with old connections is stopped, and a stopped one
 * is started. It never turns on a flow the caller did not say was on: pass only flows that were on before the
 * operation touched anything (record that first, since after a crash mid-step the flow may be off).
 *
 * Before turning off a flow that is on, each connection it is to take must be Connected (connectionReady.ts): else
 * it is refused with the flow still on, with the connections it started with.
 * Throws the tenant's error (e.g. InvalidConnection or ConnectionReferenceNotBound on the start): see
 * permanentFailure.ts. The flow may then be off: the caller reads it and says so.
 */
import type { DomainContext } from '../../../context';
import { TenantApiError } from '../../../tenant/errors';
import type { Flow } from '../../../tenant/model';
import { requireReady } from './connectionReady';

/** Connection reference logical name → the connection the flow must use through it afterwards (null: unbound). */
export type ExpectedBindings = Record<string, string | null>;

export interface RestartFlowResult {
  /** False when the flow already used `expected` and was on: nothing was done. */
  restarted: boolean;
  flow: Flow;
}

/** Whether the flow's references named in `expected` resolve to the expected connections (case-insensitive). */
export function usesBindings(flow: Flow, expected: ExpectedBindings): boolean {
  return Object.entries(expected).every(([logicalName, connection]) =>
    flow.connectionReferences
      .filter((r) => r.connectionReferenceLogicalName?.toLowerCase() === logicalName.toLowerCase())
      .every((r) => (r.connectionName ?? '').toLowerCase() === (connection ?? '').toLowerCase()),
  );
}

export async function restartFlow(
  ctx: DomainContext,
  environmentId: string,
  flowId: string,
  expected: ExpectedBindings,
): Promise<RestartFlowResult> {
  const flows = ctx.tenant.flows;
  const first = await flows.getFlow(environmentId, flowId);
  if (first.state === 'Started' && usesBindings(first, expected)) return { restarted: false, flow: first };
  if (first.state === 'Started') {
    // Turned off onto a connection that cannot start it, the flow would stay off: refused while it is still on.
    for (const r of first.connectionReferences) {
      const name = r.connectionReferenceLogicalName;
      const wanted = Object.entries(expected).find(([logical]) => logical.toLowerCase() === name?.toLowerCase());
      if (wanted?.[1]) await requireReady(ctx, environmentId, r.connector, wanted[1]);
    }
    await flows.stopFlow(environmentId, flowId);
  }
  await flows.startFlow(environmentId, flowId);
  const after = await flows.getFlow(environmentId, flowId);
  if (after.state !== 'Started' || !usesBindings(after, expected)) {
    throw new TenantApiError({
      message: `${after.displayName} is ${after.state} after being turned on, or does not use the new connections yet.`,
      code: 'FlowNotVerified',
      kind: 'unavailable',
      api: 'flow',
    });
  }
  return { restarted: true, flow: after };
}
