/** Classic Flow API wire shapes (flows, their connection references, owners) mapped onto the tenant model. */
import type { Flow, FlowConnectionReference, FlowOwner, FlowState } from '../tenant/model';
import { connectorFromApiId, mapPrincipal, type WirePrincipal } from './mapConnection';

export interface WireFlowConnectionReference {
  connectionName?: string;
  source?: string;
  id?: string;
  apiName?: string;
  displayName?: string;
  connectionReferenceLogicalName?: string;
}

export interface WireFlow {
  name: string;
  id?: string;
  properties: {
    displayName?: string;
    state?: string;
    creator?: { objectId?: string; userId?: string };
    connectionReferences?: Record<string, WireFlowConnectionReference> | WireFlowConnectionReference[];
    /** Some single-flow answers leave connectionReferences empty and list them here (CLI flow-get.mock.ts). */
    installedConnectionReferences?: Record<string, WireFlowConnectionReference & { apiDefinition?: { id?: string } }>;
    environment?: { name?: string; id?: string };
    workflowEntityId?: string;
    workflowId?: string;
    /** The demo tenant's list of connections granted to the flow (see the emulator's flowApi); absent elsewhere. */
    connectionGrants?: { connectionName?: string }[];
  };
}

export interface WireFlowPermission {
  name?: string;
  properties: { roleName?: string; principal: WirePrincipal };
}

function flowState(state: string | undefined): FlowState {
  if (state === 'Started' || state === 'Suspended') return state;
  return 'Stopped';
}

export function mapFlowConnectionReference(key: string, wire: WireFlowConnectionReference): FlowConnectionReference {
  return {
    key,
    connector: connectorFromApiId(wire.id) || wire.apiName || key,
    connectionName: wire.connectionName || undefined,
    connectionReferenceLogicalName: wire.connectionReferenceLogicalName || undefined,
    source: /invoker/i.test(wire.source ?? '') ? 'Invoker' : 'Embedded',
  };
}

export function mapFlow(wire: WireFlow, environmentId: string): Flow {
  const p = wire.properties;
  const refs = p.connectionReferences ?? {};
  let entries: [string, WireFlowConnectionReference][] = Array.isArray(refs)
    ? refs.map((r, i) => [connectorFromApiId(r.id) || String(i), r])
    : Object.entries(refs);
  if (!entries.length && p.installedConnectionReferences) {
    entries = Object.entries(p.installedConnectionReferences).map(([key, r]) => [
      key,
      { ...r, id: r.id ?? r.apiDefinition?.id },
    ]);
  }
  return {
    id: wire.name,
    displayName: p.displayName ?? wire.name,
    environmentId: p.environment?.name ?? environmentId,
    state: flowState(p.state),
    creatorId: p.creator?.objectId ?? p.creator?.userId ?? '',
    connectionReferences: entries.map(([key, ref]) => mapFlowConnectionReference(key, ref)),
    workflowId: p.workflowEntityId ?? p.workflowId ?? undefined,
    grantedConnections: Array.isArray(p.connectionGrants)
      ? p.connectionGrants.flatMap((g) => (g.connectionName ? [g.connectionName] : []))
      : undefined,
  };
}

export function mapFlowOwner(wire: WireFlowPermission): FlowOwner {
  const role = wire.properties.roleName ?? '';
  return {
    principal: mapPrincipal(wire.properties.principal),
    role: /owner/i.test(role) ? 'Owner' : /edit/i.test(role) ? 'CanEdit' : 'CanView',
  };
}
