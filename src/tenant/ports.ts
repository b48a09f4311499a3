/**
 * The ports through which the domain reads and changes the tenant. src/clients implements them against the
 * real APIs (and so against the demo-tenant emulator); domain folders receive them from the composition root.
 * List methods return async iterables so that callers can stream large tenants without holding them.
 */
import type {
  AppRegistration,
  ApplicationUser,
  CanvasApp,
  Connection,
  ConnectionPermission,
  ConnectionReference,
  Environment,
  Flow,
  FlowOwner,
  FlowRun,
  Group,
  NewPasswordCredential,
  PermissionChange,
  Solution,
  SolutionComponent,
  SolutionFlow,
  SystemUser,
  User,
} from './model';

/** Microsoft Graph: users, groups, app registrations and their credentials. */
export interface OwnerIdsResult {
  objectId: string;
  ownerIds?: string[];
  error?: unknown;
}

export interface DirectoryPort {
  getUser(idOrUpn: string): Promise<User | undefined>;
  listUsers(): AsyncIterable<User>;
  findGroupByName(displayName: string): Promise<Group | undefined>;
  /** Transitive members' object ids. */
  listGroupMemberIds(groupId: string): Promise<string[]>;
  listApplications(): AsyncIterable<AppRegistration>;
  getApplication(objectId: string): Promise<AppRegistration>;
  findApplicationByAppId(appId: string): Promise<AppRegistration | undefined>;
  listApplicationOwnerIds(objectId: string): Promise<string[]>;
  /** Object id of the app's service principal (what a connection is shared with), or undefined. */
  findServicePrincipalIdByAppId(appId: string): Promise<string | undefined>;
  /**
   * The owners of many applications in fewer requests than one per app (Graph answers 20 reads in one $batch
   * request). One result per id, with its owner ids or the error that kept them from being read.
   */
  listOwnerIdsOfApplications(objectIds: string[]): Promise<OwnerIdsResult[]>;
  /**
   * Not idempotent and never retried: a lost response throws a TenantApiError with outcomeUnknown=true, and the
   * caller reconciles by listing the application's credentials and looking for `displayName`.
   */
  /**
   * The user's manager (Graph /users/{id}/manager), or undefined when the directory records none. Throws a notFound
   * TenantApiError when the user does not exist.
   */
  getManager(userIdOrUpn: string): Promise<User | undefined>;
  addPassword(
    objectId: string,
    credential: { displayName: string; endDateTime: string },
  ): Promise<NewPasswordCredential>;
  removePassword(objectId: string, keyId: string): Promise<void>;
}

/** Power Platform: environments and connections (admin scope). */
export interface ConnectionsPort {
  listEnvironments(): Promise<Environment[]>;
  listConnections(environmentId: string): AsyncIterable<Connection>;
  /**
   * One connection as the admin lists show it (the connector's admin connection list): readable whoever owns it.
   * Throws a notFound TenantApiError (ConnectionNotFound) when the environment has no such connection.
   */
  getConnection(environmentId: string, connector: string, connectionName: string): Promise<Connection>;
  listPermissions(environmentId: string, connector: string, connectionName: string): Promise<ConnectionPermission[]>;
  modifyPermissions(
    environmentId: string,
    connector: string,
    connectionName: string,
    change: PermissionChange,
  ): Promise<void>;
  /**
   * PUT of the whole connection with a new client secret (service-principal connections), through the Power
   * Platform API: only the connection's owner or a CanEdit grantee may do it (there is no admin-scope update).
   */
  updateServicePrincipalSecret(
    environmentId: string,
    connector: string,
    connectionName: string,
    secret: { clientId: string; tenantId: string; clientSecret: string },
  ): Promise<Connection>;
}

/** Power Automate (classic Flow API). */
export interface FlowsPort {
  listFlows(environmentId: string): AsyncIterable<Flow>;
  getFlow(environmentId: string, flowId: string): Promise<Flow>;
  listFlowOwners(environmentId: string, flowId: string): Promise<FlowOwner[]>;
  /** Turns the flow on as the client's identity; throws TenantApiError code ConnectionAuthorizationFailed. */
  startFlow(environmentId: string, flowId: string): Promise<void>;
  stopFlow(environmentId: string, flowId: string): Promise<void>;
  /**
   * Makes a user or group an owner of the flow (modifyPermissions put; CanEdit = co-owner, CanView = run-only user),
   * on the admin route for the bot. Idempotent (retried; adding an owner again changes nothing). A flow in a
   * solution is refused on the admin route (TenantApiError code SolutionFlowPermissionsNotSupported, kind
   * badRequest): change its owner in Dataverse instead (DataversePort.setSolutionFlowOwner). The flow's creator
   * cannot be re-roled (CannotModifyCreator).
   */
  addFlowOwner(
    environmentId: string,
    flowId: string,
    principal: { id: string; type: 'User' | 'Group' },
    role: 'CanEdit' | 'CanView',
  ): Promise<void>;
  /** Removes an owner (modifyPermissions delete); idempotent. The creator cannot be removed (CannotModifyCreator). */
  removeFlowOwner(environmentId: string, flowId: string, principalId: string): Promise<void>;
  /**
   * The flow's newest run (runs list on the admin route, first page only); undefined when it has none in the run
   * history the service keeps (28 days).
   */
  latestRun(environmentId: string, flowId: string): Promise<FlowRun | undefined>;
}

/** Canvas apps of an environment (classic Power Apps admin API, admin scope). */
export interface CanvasAppsPort {
  listCanvasApps(environmentId: string): AsyncIterable<CanvasApp>;
  /** One app as an admin reads it (its owner now). */
  getCanvasApp(environmentId: string, appId: string): Promise<CanvasApp>;
  /**
   * Makes `newOwnerId` (a user's Entra object id) the app's owner; the previous owner keeps `roleForOldOwner`, or
   * loses access when it is undefined. Admins only.
   */
  setCanvasAppOwner(
    environmentId: string,
    appId: string,
    newOwnerId: string,
    roleForOldOwner: CanvasAppRole | undefined,
  ): Promise<void>;
}

/** What a canvas app's previous owner may still do after an owner change. */
export type CanvasAppRole = 'CanView' | 'CanEdit';

/** Dataverse Web API of one environment. */
export interface DataversePort {
  listConnectionReferences(environment: Environment): AsyncIterable<ConnectionReference>;
  listSolutions(environment: Environment): AsyncIterable<Solution>;
  listSolutionComponents(environment: Environment, solutionId: string): AsyncIterable<SolutionComponent>;
  /** Application users (systemusers with an applicationid) with their security roles. */
  listApplicationUsers(environment: Environment): AsyncIterable<ApplicationUser>;
  /** Cloud flows stored in Dataverse (workflows, category 5). */
  listSolutionFlows(environment: Environment): AsyncIterable<SolutionFlow>;
  /** One connection reference by id (connectionreferenceid); undefined when there is none. */
  getConnectionReference(environment: Environment, referenceId: string): Promise<ConnectionReference | undefined>;
  /**
   * Binds a connection reference to a connection (PATCH connectionreferences(id) `connectionid`; null unbinds),
   * never creating a row (If-Match: *). Idempotent, so retried on 429/5xx. The service refuses a connection of
   * another environment or connector (badRequest, 0x80040203), one the bot's identity may not use (forbidden,
   * 0x80040220: share it with the bot's service principal first) and a missing reference (notFound). Flows that
   * are on keep the old connection until they are turned off and on.
   */
  bindConnectionReference(environment: Environment, referenceId: string, connectionName: string | null): Promise<void>;
  /** The environment's Dataverse user for an Entra object id (person or service principal); undefined if none. */
  findSystemUser(environment: Environment, entraObjectId: string): Promise<SystemUser | undefined>;
  /** One solution flow (workflows row) by workflow id; undefined when there is none. */
  getSolutionFlow(environment: Environment, workflowId: string): Promise<SolutionFlow | undefined>;
  /**
   * Makes a Dataverse user the owner of a solution flow (PATCH workflows(id) `ownerid@odata.bind`); the flow's owner
   * on the Flow API follows. Idempotent. Refused for a disabled user (badRequest, 0x80040225) or an unknown one
   * (notFound).
   */
  setSolutionFlowOwner(environment: Environment, workflowId: string, systemUserId: string): Promise<void>;
}

/** Azure Key Vault secrets. */
export interface SecretVaultPort {
  /** Stores a new version; returns the version id. */
  setSecret(
    name: string,
    value: string,
    options: { expiresOn?: Date; tags?: Record<string, string>; contentType?: string },
  ): Promise<{ version: string }>;
  /**
   * The value of one version (latest when `version` is omitted); undefined when the secret or version does not
   * exist. Only the rotation saga calls it, to resume after a restart past the point where the new secret reached
   * Key Vault: the value then lives in process memory again, never anywhere else.
   */
  getSecretValue(name: string, version?: string): Promise<string | undefined>;
  /** Latest version's properties (never the value). */
  getSecretProperties(
    name: string,
  ): Promise<{ version: string; tags: Record<string, string>; expiresOn?: Date } | undefined>;
  /** Every version's properties (never a value), newest first; [] when the secret does not exist. */
  listSecretVersions(name: string): Promise<SecretVersionInfo[]>;
  /** Turns one version off: Key Vault then refuses to return it, by version or as the latest. */
  disableSecretVersion(name: string, version: string): Promise<void>;
}

export interface SecretVersionInfo {
  version: string;
  createdOn?: Date;
  enabled: boolean;
  tags: Record<string, string>;
  expiresOn?: Date;
  contentType?: string;
}

/** Checks that an app can obtain a token with a given secret (used to verify a rotation before switching). */
export interface TokenProbePort {
  canAuthenticate(clientId: string, clientSecret: string): Promise<boolean>;
}

/** Who the bot's backend identity is in the tenant (its role on a connection is looked up by this id). */
export interface SelfIdentityPort {
  /** The identity's app (client) id, when configured. */
  appId?: string;
  /** Object id of its service principal; undefined when it cannot be told (no client id configured). */
  principalId(): Promise<string | undefined>;
}

/** Everything the domain needs from the tenant, built once by the composition root. */
export interface TenantPorts {
  tenantId: string;
  directory: DirectoryPort;
  connections: ConnectionsPort;
  flows: FlowsPort;
  apps: CanvasAppsPort;
  dataverse: DataversePort;
  vault: SecretVaultPort;
  tokenProbe: TokenProbePort;
  /** The bot's own identity; absent in test doubles that do not need it. */
  self?: SelfIdentityPort;
}
