/**
 * The emulated tenant's mutable state: directory (users, groups, app registrations with credentials), Power
 * Platform (environments, connections, flows), each environment's Dataverse rows and the Key Vault. Plain data,
 * owned by one running emulator; the API handlers read and change it, the fixture and scale mode fill it.
 * Secret values live here only (clientSecret of connections, secret of password credentials, Key Vault values).
 */

export interface EmuUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  /** Demo users sign in by ROPC with this password. */
  password: string;
  /** Object id of the user's manager (Graph /users/{id}/manager); undefined when the directory records none. */
  managerId?: string;
}

export interface EmuGroup {
  id: string;
  displayName: string;
  memberIds: string[];
}

export interface EmuPasswordCredential {
  keyId: string;
  displayName: string | null;
  startDateTime: string;
  endDateTime: string;
  hint: string;
  secret: string;
  /** Real-time epoch ms from which a token request with this secret succeeds (Graph's propagation delay). */
  usableFromMs: number;
}

export interface EmuKeyCredential {
  keyId: string;
  displayName: string | null;
  startDateTime: string;
  endDateTime: string;
  type: 'AsymmetricX509Cert';
  usage: 'Verify';
  /** Public certificate (PEM) that verifies client assertions. */
  certificatePem: string;
  /** base64url SHA-1 and SHA-256 thumbprints of the DER certificate (JWT x5t / x5t#S256). */
  x5t: string;
  x5tS256: string;
}

export interface EmuApplication {
  id: string;
  appId: string;
  displayName: string;
  ownerIds: string[];
  servicePrincipalId: string;
  passwordCredentials: EmuPasswordCredential[];
  keyCredentials: EmuKeyCredential[];
  /** Holds Graph application permissions and Power Platform admin rights (the demo bot's own app). */
  isTenantAdmin: boolean;
  createdDateTime: string;
}

export type ConnectionRoleName = 'Owner' | 'CanEdit' | 'CanView' | 'CanViewWithShare';
export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal' | 'Tenant';

export interface EmuPermission {
  principalId: string;
  principalType: PrincipalType;
  roleName: Exclude<ConnectionRoleName, 'Owner'>;
}

/** How a connection authenticates; `servicePrincipal` connections are checked against their app's credentials. */
export type ConnectionAuth =
  | { kind: 'user'; accountName: string }
  | { kind: 'servicePrincipal'; clientId: string; tenantId: string; clientSecret: string }
  | { kind: 'apiKey' }
  /** SQL Server Authentication (user name and password in the connection): not OAuth, so shareable with people. */
  | { kind: 'sqlAuth'; server: string; database: string; username: string };

export interface EmuConnection {
  name: string;
  connector: string;
  connectorDisplayName: string;
  environmentId: string;
  displayName: string;
  ownerId: string;
  auth: ConnectionAuth;
  /** A failure the fixture sets (token refresh failed); service-principal failures are computed instead. */
  fixedError?: { code: string; message: string; target: string };
  configurationNeeded?: boolean;
  isCustomConnector?: boolean;
  /** Shares beyond the owner; undefined until the first share (scale mode keeps most connections unshared). */
  permissions?: EmuPermission[];
  createdTime: string;
  lastModifiedTime: string;
}

export interface EmuFlowConnectionReference {
  connector: string;
  connectorDisplayName: string;
  /** Direct binding (non-solution flows). */
  connectionName?: string;
  /** Solution flows bind through a Dataverse connection reference. */
  connectionReferenceLogicalName?: string;
  source: 'Embedded' | 'Invoker';
}

export interface EmuFlowOwner {
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  /** Owner (the creator, or a solution flow's Dataverse owner), CanEdit (co-owner) or CanView (run-only user). */
  roleName: 'Owner' | 'CanEdit' | 'CanView';
}

export interface EmuFlow {
  name: string;
  environmentId: string;
  displayName: string;
  state: 'Started' | 'Stopped' | 'Suspended';
  creatorId: string;
  owners: EmuFlowOwner[];
  connectionReferences: Record<string, EmuFlowConnectionReference>;
  /** Dataverse workflow id when the flow lives in a solution. */
  workflowId?: string;
  /**
   * Connections the flow itself may use: once a flow is turned on by someone who may use a connection, "the flow
   * has permissions to use those connections" and any co-owner can turn it off and on (connection-references
   * source). Names of connections, granted when the flow is started.
   */
  connectionGrants?: { connectionName: string; grantedBy: string; grantedTime: string }[];
  createdTime: string;
  lastModifiedTime: string;
  /** Runs, newest first (the runs list); absent = none. */
  runs?: EmuFlowRun[];
}

export interface EmuFlowRun {
  name: string;
  startTime: string;
  endTime?: string;
  status: 'Succeeded' | 'Failed' | 'Cancelled' | 'Running';
  /** A failed run's error code (properties.code / error.code of the real list). */
  code?: string;
}

/** A canvas app (Power Apps admin list): its connectors, and for a solution-aware app the references it binds. */
export interface EmuCanvasApp {
  name: string;
  environmentId: string;
  displayName: string;
  ownerId: string;
  connectors: { connector: string; connectorDisplayName: string; connectionReferenceLogicalName?: string }[];
  createdTime: string;
  lastModifiedTime: string;
  /** Who else the app is shared with (users by object id); a previous owner's role after modifyAppOwner lands here. */
  permissions?: { principalId: string; roleName: 'CanView' | 'CanEdit' }[];
}

export interface DvPublisher {
  publisherid: string;
  uniquename: string;
  friendlyname: string;
  customizationprefix: string;
}

export interface DvSolution {
  solutionid: string;
  uniquename: string;
  friendlyname: string;
  ismanaged: boolean;
  publisherid: string;
  version: string;
}

export interface DvSolutionComponent {
  solutioncomponentid: string;
  solutionid: string;
  componenttype: number;
  objectid: string;
}

export interface DvConnectionReference {
  connectionreferenceid: string;
  connectionreferencelogicalname: string;
  connectionreferencedisplayname: string;
  connectionid: string | null;
  connectorid: string;
  customconnectorid: string | null;
  description: string | null;
  ismanaged: boolean;
  ownerid: string;
  createdon: string;
  modifiedon: string;
}

export interface DvSystemUser {
  systemuserid: string;
  fullname: string;
  domainname: string;
  applicationid: string | null;
  azureactivedirectoryobjectid: string | null;
  isdisabled: boolean;
  /** 0 read-write (people), 4 non-interactive (application users). */
  accessmode: number;
  roleIds: string[];
}

export interface DvRole {
  roleid: string;
  name: string;
}

export interface DvWorkflow {
  workflowid: string;
  name: string;
  category: number;
  statecode: number;
  ownerid: string;
  /** JSON string: {properties:{connectionReferences:{key:{connection:{connectionReferenceLogicalName}, runtimeSource, api}}}}. */
  clientdata: string;
  ismanaged: boolean;
  createdon: string;
  modifiedon: string;
}

export interface DataverseOrg {
  orgName: string;
  publishers: DvPublisher[];
  solutions: DvSolution[];
  solutionComponents: DvSolutionComponent[];
  connectionReferences: DvConnectionReference[];
  systemUsers: DvSystemUser[];
  roles: DvRole[];
  workflows: DvWorkflow[];
}

export interface EmuEnvironment {
  name: string;
  displayName: string;
  isDefault: boolean;
  sku: 'Default' | 'Production' | 'Sandbox' | 'Developer';
  dataverse: DataverseOrg;
}

export interface VaultSecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

export interface TenantState {
  tenantId: string;
  users: EmuUser[];
  groups: EmuGroup[];
  applications: EmuApplication[];
  environments: EmuEnvironment[];
  connections: EmuConnection[];
  flows: EmuFlow[];
  /** Canvas apps (absent in states built before apps were emulated: none). */
  canvasApps?: EmuCanvasApp[];
  vault: Map<string, VaultSecretVersion[]>;
  /** Lookups kept beside the arrays (scale mode: 100,000 connections). */
  index: TenantIndex;
}

export interface TenantIndex {
  usersById: Map<string, EmuUser>;
  usersByUpn: Map<string, EmuUser>;
  appsById: Map<string, EmuApplication>;
  appsByAppId: Map<string, EmuApplication>;
  connectionsByEnv: Map<string, EmuConnection[]>;
  connectionsByKey: Map<string, EmuConnection>;
  flowsByEnv: Map<string, EmuFlow[]>;
  canvasAppsByEnv: Map<string, EmuCanvasApp[]>;
}

export function connectionKey(environmentId: string, name: string): string {
  return `${environmentId.toLowerCase()}|${name.toLowerCase()}`;
}

/** Rebuilds the lookups after the arrays were filled. */
export function indexTenant(state: Omit<TenantState, 'index'>): TenantState {
  const index: TenantIndex = {
    usersById: new Map(),
    usersByUpn: new Map(),
    appsById: new Map(),
    appsByAppId: new Map(),
    connectionsByEnv: new Map(),
    connectionsByKey: new Map(),
    flowsByEnv: new Map(),
    canvasAppsByEnv: new Map(),
  };
  for (const u of state.users) {
    index.usersById.set(u.id, u);
    index.usersByUpn.set(u.userPrincipalName.toLowerCase(), u);
  }
  for (const a of state.applications) {
    index.appsById.set(a.id, a);
    index.appsByAppId.set(a.appId, a);
  }
  for (const e of state.environments) {
    index.connectionsByEnv.set(e.name, []);
    index.flowsByEnv.set(e.name, []);
    index.canvasAppsByEnv.set(e.name, []);
  }
  for (const c of state.connections) addConnectionToIndex(index, c);
  for (const f of state.flows) index.flowsByEnv.get(f.environmentId)?.push(f);
  for (const a of state.canvasApps ?? []) index.canvasAppsByEnv.get(a.environmentId)?.push(a);
  return { ...state, index };
}

export function addConnectionToIndex(index: TenantIndex, c: EmuConnection): void {
  let list = index.connectionsByEnv.get(c.environmentId);
  if (!list) index.connectionsByEnv.set(c.environmentId, (list = []));
  list.push(c);
  index.connectionsByKey.set(connectionKey(c.environmentId, c.name), c);
}
