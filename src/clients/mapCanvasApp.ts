/**
 * Power Apps admin list items (apps) mapped onto the tenant model. The shape follows a recorded answer of the list
 * (CLI for Microsoft 365, src/m365/pa/commands/app/app-list.spec.ts): `properties.connectionReferences` is a map
 * whose entries name a connector (`id` = /providers/microsoft.powerapps/apis/shared_…), never a connection.
 * `connectionReferenceLogicalName` on an entry (a solution-aware app bound to a Dataverse connection reference) is
 * not in any recorded answer we found: our reading of the documented model, read when present.
 */
import type { CanvasApp, CanvasAppConnector } from '../tenant/model';
import { connectorFromApiId } from './mapConnection';

export interface WireCanvasAppConnection {
  id?: string;
  displayName?: string;
  connectionReferenceLogicalName?: string;
}

export interface WireCanvasApp {
  name: string;
  properties?: {
    displayName?: string;
    owner?: { id?: string; displayName?: string };
    createdBy?: { id?: string; displayName?: string };
    lastModifiedTime?: string;
    connectionReferences?: Record<string, WireCanvasAppConnection>;
  };
}

export function mapCanvasApp(wire: WireCanvasApp, environmentId: string): CanvasApp {
  const p = wire.properties ?? {};
  const owner = p.owner?.id ? p.owner : (p.createdBy ?? {});
  const connectors: CanvasAppConnector[] = [];
  for (const entry of Object.values(p.connectionReferences ?? {})) {
    const connector = connectorFromApiId(entry.id);
    if (!connector) continue;
    connectors.push({
      connector,
      ...(entry.connectionReferenceLogicalName
        ? { connectionReferenceLogicalName: entry.connectionReferenceLogicalName }
        : {}),
    });
  }
  return {
    id: wire.name,
    displayName: p.displayName ?? wire.name,
    environmentId,
    ownerId: owner.id ?? '',
    ownerName: owner.displayName,
    connectors,
    lastModifiedTime: p.lastModifiedTime,
  };
}
