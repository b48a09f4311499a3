/**
 * The tenant as the domain sees it: plain data, no wire shapes. The clients in src/clients map the real
 * Graph / Power Platform / Flow / Dataverse payloads onto these types, so domain code never depends on a
 * particular API version or on the emulator.
 */

export type ConnectionStatus = 'Connected' | 'Error' | 'ConfigurationNeeded';

export interface Environment {
  /** Environment name as the APIs use it, e.g. "Default-<tenant>" or a GUID. */
  id: string;
  displayName: string;
  isDefault: boolean;
  /** Dataverse org URL, e.g. https://contosoprod.crm.dynamics.com (undefined when the environment has none). */
  dataverseUrl?: string;
}

export interface Principal {
  /** Entra object id. */
  id: string;
  displayName: string;
  userPrincipalName?: string;
  type: 'User' | 'Group' | 'ServicePrincipal' | 'Tenant';
}

export interface ConnectionError {
  /** The service's own code, e.g. "Unauthorized". */
  code: string;
  message: string;
  /** Which part of the connection failed, e.g. "token". */
  target?: string;
}

export interface Connection {
  /** The connection's name in the API hub (a GUID-like id); what connection references point to. */
  name: string;
  /** Connector id without the path, e.g. "shared_office365". */
  connector: string;
  displayName: string;
  environmentId: string;
  status: ConnectionStatus;
  error?: ConnectionError;
  createdBy: Principal;
  /** Account the connection signs in as (UPN for user connections); undefined when the API does not say. */
  accountName?: string;
  /** "servicePrincipal" when the connection authenticates as an app registration (connectionParametersSet oauthSP). */
  authType: 'user' | 'servicePrincipal' | 'other';
  /** For service-principal connections: the app (client) id it authenticates as. */
  servicePrincipalAppId?: string;
  /** For service-principal connections: the tenant id stored in the connection, when the API returns it. */
  servicePrincipalTenantId?: string;
  /** True for custom connectors (apiId under the environment rather than shared_). */
  isCustomConnector: boolean;
  createdTime?: string;
  lastModifiedTime?: string;
}

export type ConnectionRole = 'Owner' | 'CanEdit' | 'CanView' | 'CanViewWithShare';

export interface ConnectionPermission {
  principal: Principal;
  roleName: ConnectionRole;
  /**
   * The permission's own id as the service gave it (…/connections/{name}/permissions/{permission name}). For a
   * service principal its last segment is not the principal's id: a removal sends this id back unchanged.
   */
  id?: string;
}

export interface PermissionChange {
  put?: { principal: Pick<Principal, 'id' | 'type'>; roleName: Exclude<ConnectionRole, 'Owner'> }[];
  /** Principal ids whose permission is removed (the client finds each permission's own id first). */
  delete?: string[];
  /** Permission ids, as read (ConnectionPermission.id), removed as they are. */
  deleteIds?: string[];
}

export type FlowState = 'Started' | 'Stopped' | 'Suspended';

export interface FlowConnectionReference {
  /** Key of the reference inside the flow definition, e.g. "shared_office365". */
  key: string;
  connector: string;
  /** Connection the flow is bound to directly (non-solution flows, or resolved through the reference). */
  connectionName?: string;
  /** Solution flows bind through a Dataverse connection reference. */
  connectionReferenceLogicalName?: string;
  /** "Invoker" = runs with the connection of whoever triggers the flow. */
  source: 'Embedded' | 'Invoker';
}

export interface Flow {
  /** The flow's name (a GUID) as the Flow API uses it. */
  id: string;
  displayName: string;
  environmentId: string;
  state: FlowState;
  creatorId: string;
  connectionReferences: FlowConnectionReference[];
  /** Dataverse workflow id when the flow lives in a solution. */
  workflowId?: string;
  /**
   * Connections the flow itself has permission to use (granted when someone who may use them turned it on), by
   * connection name; undefined when the API does not say (the real Flow API shows them only in the portal).
   */
  grantedConnections?: string[];
}

export interface FlowOwner {
  principal: Principal;
  role: 'Owner' | 'CanEdit' | 'CanView';
}

export interface PasswordCredential {
  keyId: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
  /** First characters of the secret: never shown to users, kept only because the API returns it. */
  hint?: string;
}

export interface KeyCredential {
  keyId: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
  type?: string;
  usage?: string;
}

export interface AppRegistration {
  /** Graph object id of the application. */
  id: string;
  /** Client id. */
  appId: string;
  displayName: string;
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
}

/** What addPassword returns; secretText lives only in memory until it is written to Key Vault. */
export interface NewPasswordCredential extends PasswordCredential {
  secretText: string;
  endDateTime: string;
}

export interface User {
  id: string;
  displayName: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
}

export interface Group {
  id: string;
  displayName: string;
}

export interface ConnectionReference {
  id: string;
  logicalName: string;
  displayName: string;
  /** Connection name in the API hub; undefined when the reference is bound to no connection. */
  connectionName?: string;
  /** e.g. "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps". */
  connectorId: string;
  customConnectorId?: string;
  ownerId?: string;
  isManaged: boolean;
}

export interface Solution {
  id: string;
  uniqueName: string;
  friendlyName: string;
  /** Publisher customization prefix, e.g. "LUNCH". */
  prefix?: string;
  isManaged: boolean;
}

export interface SolutionComponent {
  solutionId: string;
  /** Dataverse component type number (29 = workflow, 10132-ish for connection references: see the client). */
  componentType: number;
  objectId: string;
}

export interface SecurityRole {
  id: string;
  name: string;
}

export interface ApplicationUser {
  id: string;
  applicationId: string;
  fullName: string;
  isDisabled: boolean;
  roles: SecurityRole[];
}

/** A user of one environment's Dataverse (systemuser): a person, or an application user of a service principal. */
export interface SystemUser {
  /** systemuserid: what a Dataverse owner (ownerid) names. */
  id: string;
  /** Entra object id (a person's, or the service principal's for an application user). */
  entraObjectId?: string;
  fullName: string;
  /** Dataverse refuses to make a disabled user the owner of a record. */
  isDisabled: boolean;
  /** Set for application users. */
  applicationId?: string;
}

export interface SolutionFlow {
  workflowId: string;
  name: string;
  /** 0 off, 1 on. */
  stateCode: number;
  ownerId?: string;
  /** Connection reference logical names the flow's definition uses. */
  connectionReferenceLogicalNames: string[];
}

/**
 * A canvas app as the Power Apps admin list shows it. Its connectors are what the app's `connectionReferences`
 * name: a connector, not a connection. An OAuth connector signs in as whoever opens the app (each user's own
 * connection); a solution-aware app binds a Dataverse connection reference instead, which holds one connection for
 * every user (connection references are used by canvas apps only for implicitly shared, non-OAuth connections).
 */
export interface CanvasApp {
  /** The app's name (a GUID) in the Power Apps API. */
  id: string;
  displayName: string;
  environmentId: string;
  /** Entra object id of the app's owner. */
  ownerId: string;
  ownerName?: string;
  connectors: CanvasAppConnector[];
  lastModifiedTime?: string;
}

export interface CanvasAppConnector {
  /** Connector id without the path, e.g. "shared_sharepointonline". */
  connector: string;
  /** The Dataverse connection reference a solution-aware app binds (logical name), when it binds one. */
  connectionReferenceLogicalName?: string;
}

export type FlowRunStatus = 'Succeeded' | 'Failed' | 'Cancelled' | 'Running' | 'Skipped' | 'Other';

/** One run of a cloud flow (Flow API runs list). */
export interface FlowRun {
  name: string;
  status: FlowRunStatus;
  startTime: string;
  endTime?: string;
  /** The run's error code, when it failed and the service said which. */
  errorCode?: string;
}
