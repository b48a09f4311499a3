/**
 * Builds a finding's `about` for the three things rules report on (a connection, a connection reference, an app
 * registration), so every rule about the same kind of thing names the same ids and people.
 */
import type { Connection } from '../../tenant/model';
import type { FlowUse } from '../connectionUsage';
import type { SnapshotApp, SnapshotReference } from '../tenantSnapshot';
import type { FindingAbout } from './finding';
import type { SnapshotLookups } from './snapshotLookups';

const flowIdsOf = (flows: readonly FlowUse[]): string[] =>
  flows.flatMap((f) => {
    const id = f.flowId ?? f.workflowId;
    return id ? [id] : [];
  });

/** A connection: its creator owns it; the flows using it are at stake. */
export function aboutConnection(
  look: SnapshotLookups,
  connection: Pick<Connection, 'environmentId' | 'name' | 'createdBy'>,
  flows: readonly FlowUse[] = look.flowsUsing(connection),
): FindingAbout {
  return {
    environmentId: connection.environmentId,
    connectionName: connection.name,
    flowIds: flowIdsOf(flows),
    ownerIds: [connection.createdBy.id],
    makerIds: look.makersOf(flows),
  };
}

/** A connection reference: its owner, and the flows that use it by logical name. */
export function aboutReference(
  look: SnapshotLookups,
  reference: Pick<SnapshotReference, 'environmentId' | 'logicalName' | 'ownerId'>,
  flows: readonly FlowUse[] = look.flowsUsingReference(reference.environmentId, reference.logicalName),
): FindingAbout {
  return {
    environmentId: reference.environmentId,
    referenceLogicalName: reference.logicalName,
    flowIds: flowIdsOf(flows),
    ownerIds: reference.ownerId ? [reference.ownerId] : [],
    makerIds: look.makersOf(flows),
  };
}

/**
 * An app registration (by its application id; `app` when the tenant has it, with its owners). `environmentId` when
 * the finding is about the app inside one environment (its application user there).
 */
export function aboutApp(appId: string, app: SnapshotApp | undefined, environmentId?: string): FindingAbout {
  return {
    ...(environmentId !== undefined ? { environmentId } : {}),
    appId,
    flowIds: [],
    ownerIds: [...(app?.ownerIds ?? [])],
    makerIds: [],
  };
}
