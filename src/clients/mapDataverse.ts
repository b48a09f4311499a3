/** Dataverse Web API rows (connection references, solutions, components, application users, workflows) mapped onto the model. */
import type {
  ApplicationUser,
  ConnectionReference,
  SecurityRole,
  Solution,
  SolutionComponent,
  SolutionFlow,
  SystemUser,
} from '../tenant/model';

export interface WireConnectionReference {
  connectionreferenceid: string;
  connectionreferencelogicalname: string;
  connectionreferencedisplayname?: string | null;
  connectionid?: string | null;
  connectorid?: string | null;
  _customconnectorid_value?: string | null;
  ismanaged?: boolean | null;
  _ownerid_value?: string | null;
}

export interface WireSolution {
  solutionid: string;
  uniquename: string;
  friendlyname?: string | null;
  ismanaged?: boolean | null;
  publisherid?: { customizationprefix?: string | null } | null;
  customizationprefix?: string | null;
}

export interface WireSolutionComponent {
  componenttype: number;
  objectid: string;
  _solutionid_value?: string | null;
}

export interface WireSystemUser {
  systemuserid: string;
  applicationid?: string | null;
  fullname?: string | null;
  isdisabled?: boolean | null;
  azureactivedirectoryobjectid?: string | null;
}

export interface WireRole {
  roleid: string;
  name?: string | null;
}

export interface WireWorkflow {
  workflowid: string;
  name?: string | null;
  statecode?: number | null;
  _ownerid_value?: string | null;
  clientdata?: string | null;
}

export function mapConnectionReference(wire: WireConnectionReference): ConnectionReference {
  return {
    id: wire.connectionreferenceid,
    logicalName: wire.connectionreferencelogicalname,
    displayName: wire.connectionreferencedisplayname ?? wire.connectionreferencelogicalname,
    connectionName: wire.connectionid || undefined,
    connectorId: wire.connectorid ?? '',
    customConnectorId: wire._customconnectorid_value ?? undefined,
    ownerId: wire._ownerid_value ?? undefined,
    isManaged: wire.ismanaged === true,
  };
}

export function mapSolution(wire: WireSolution): Solution {
  return {
    id: wire.solutionid,
    uniqueName: wire.uniquename,
    friendlyName: wire.friendlyname ?? wire.uniquename,
    prefix: wire.publisherid?.customizationprefix ?? wire.customizationprefix ?? undefined,
    isManaged: wire.ismanaged === true,
  };
}

export function mapSolutionComponent(wire: WireSolutionComponent, solutionId: string): SolutionComponent {
  return {
    solutionId: wire._solutionid_value ?? solutionId,
    componentType: wire.componenttype,
    objectId: wire.objectid,
  };
}

export function mapRole(wire: WireRole): SecurityRole {
  return { id: wire.roleid, name: wire.name ?? wire.roleid };
}

export function mapApplicationUser(wire: WireSystemUser, roles: SecurityRole[]): ApplicationUser {
  return {
    id: wire.systemuserid,
    applicationId: wire.applicationid ?? '',
    fullName: wire.fullname ?? wire.applicationid ?? wire.systemuserid,
    isDisabled: wire.isdisabled === true,
    roles,
  };
}

interface ClientDataReference {
  connectionReferenceLogicalName?: string;
  connection?: { connectionReferenceLogicalName?: string };
}

/**
 * Logical names of the connection references a solution flow uses, read from `clientdata` (a JSON string).
 * The real payload nests the name under `connection`; older exports put it on the entry itself.
 */
export function referencedLogicalNames(clientdata: string | null | undefined): string[] {
  if (!clientdata) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(clientdata);
  } catch {
    return [];
  }
  const refs = (parsed as { properties?: { connectionReferences?: Record<string, ClientDataReference> } })?.properties
    ?.connectionReferences;
  if (!refs || typeof refs !== 'object') return [];
  const names = Object.values(refs)
    .map((r) => r?.connection?.connectionReferenceLogicalName ?? r?.connectionReferenceLogicalName)
    .filter((n): n is string => typeof n === 'string' && n !== '');
  return [...new Set(names)];
}

export function mapSolutionFlow(wire: WireWorkflow): SolutionFlow {
  return {
    workflowId: wire.workflowid,
    name: wire.name ?? wire.workflowid,
    stateCode: wire.statecode ?? 0,
    ownerId: wire._ownerid_value ?? undefined,
    connectionReferenceLogicalNames: referencedLogicalNames(wire.clientdata),
  };
}

export function mapSystemUser(wire: WireSystemUser): SystemUser {
  return {
    id: wire.systemuserid,
    entraObjectId: wire.azureactivedirectoryobjectid ?? undefined,
    fullName: wire.fullname ?? wire.systemuserid,
    isDisabled: wire.isdisabled === true,
    applicationId: wire.applicationid ?? undefined,
  };
}
