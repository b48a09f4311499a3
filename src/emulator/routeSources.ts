/**
 * The one record of where each emulated route was checked against the real service: for every route (by method
 * and path as registered), the public source its path, answer shape and refusals follow — a file and line of a
 * public repository that calls the real endpoint (commit in the key below), or a documentation page. When a route
 * changes, re-check it against its source and update the line here; test/emulator/routeSources.test.ts fails for a
 * route with no entry.
 *
 * Repositories (read at these commits):
 *   TF   = github.com/microsoft/terraform-provider-power-platform @57ba091a132156ca50582343473e716da18c25e7
 *   CLI  = github.com/pnp/cli-microsoft365 @db0361d8a (HEAD of the stored snapshot)
 *   PSAdmin = the Power Apps administration PowerShell module, Microsoft.PowerApps.Administration.PowerShell.psm1
 *             (PowerShell Gallery; functions named below)
 */

const LEARN = 'https://learn.microsoft.com';
const GRAPH = `${LEARN}/graph/api`;
const DV_ENTITY = `${LEARN}/power-apps/developer/data-platform/webapi/reference`;
const TF_CONN = 'TF internal/services/connection/api_connection.go';

export const ROUTE_SOURCES: Readonly<Record<string, string>> = {
  // Microsoft Entra ID
  'GET /:tenant/v2.0/.well-known/openid-configuration': `${LEARN}/entra/identity-platform/v2-protocols-oidc`,
  'GET /:tenant/discovery/v2.0/keys': `${LEARN}/entra/identity-platform/access-tokens#validate-tokens`,
  'GET /common/discovery/instance':
    'MSAL instance discovery (github.com/AzureAD/microsoft-authentication-library-for-js, lib/msal-common/src/authority/Authority.ts)',
  'POST /:tenant/oauth2/v2.0/token': `${LEARN}/entra/identity-platform/v2-oauth2-client-creds-grant-flow`,

  // Microsoft Graph
  'GET /graph/v1.0/applications': `${GRAPH}/application-list`,
  'GET /graph/v1.0/applications/:id': `${GRAPH}/application-get`,
  'GET /graph/v1.0/applications/:id/owners': `${GRAPH}/application-list-owners`,
  'POST /graph/v1.0/applications/:id/addPassword': `${GRAPH}/application-addpassword (and CLI src/m365/entra/commands/app/app-add.ts:316)`,
  'POST /graph/v1.0/applications/:id/removePassword': `${GRAPH}/application-removepassword`,
  'GET /graph/v1.0/servicePrincipals': `${GRAPH}/serviceprincipal-list (and CLI src/m365/entra/commands/app/app-permission-list.ts:198)`,
  'GET /graph/v1.0/users': `${GRAPH}/user-list`,
  'GET /graph/v1.0/users/:id': `${GRAPH}/user-get`,
  'GET /graph/v1.0/users/:id/manager': `${GRAPH}/user-list-manager (404 Request_ResourceNotFound when none)`,
  'GET /graph/v1.0/groups': `${GRAPH}/group-list`,
  'GET /graph/v1.0/groups/:id/members': `${GRAPH}/group-list-members`,
  'GET /graph/v1.0/groups/:id/transitiveMembers': `${GRAPH}/group-list-transitivemembers`,
  'POST /graph/v1.0/$batch': `${LEARN}/graph/json-batching`,

  // BAP (environments)
  'GET /bap/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments':
    'CLI src/m365/pp/commands/environment/environment-list.ts:43',
  'GET /bap/providers/Microsoft.BusinessAppPlatform/environments':
    'CLI src/m365/pp/commands/environment/environment-list.ts:46',

  // Classic Power Apps admin API (connections)
  'GET /powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env/connections':
    'PSAdmin Get-AdminPowerAppConnection -EnvironmentName; answer shape: TF internal/services/connection/tests/datasource/connections/Validate_Read/get_connections.json',
  'GET /powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env/apis/:connector/connections':
    'PSAdmin Get-AdminPowerAppConnection -ConnectorName -EnvironmentName',
  'GET /powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env/apis/:connector/connections/:name/permissions':
    'PSAdmin Get-AdminPowerAppConnectionRoleAssignment -ConnectionName; answer shape: TF internal/services/connection/tests/datasource/connection_shares/Validate_Read/get_connection_shares.json',
  'POST /powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env/apis/:connector/connections/:name/modifyPermissions':
    'PSAdmin Set-AdminPowerAppConnectionRoleAssignment / Remove-AdminPowerAppConnectionRoleAssignment; body as TF api_connection.go:173-189 (put) and :294-300 (delete by the permission id)',
  'GET /powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env/apps':
    'PSAdmin Get-AdminPowerApp -EnvironmentName; CLI src/m365/pa/commands/app/app-list.ts:49 (--asAdmin, api-version=2017-08-01); answer shape app-list.spec.ts:75-260 (properties.connectionReferences: entries name a connector by `id`, never a connection); an entry\'s connectionReferenceLogicalName for a solution-aware app is our guess from Learn "Use a connection reference in a solution" (canvas apps bind references only for implicitly shared, non-OAuth connections), in no recorded answer',
  'GET /powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env/apps/:app':
    'PSAdmin Get-AdminPowerApp -AppName -EnvironmentName; CLI src/m365/pa/commands/app/app-get.ts:64-69 (--asAdmin, api-version=2016-11-01); the same item shape as the list above',
  'POST /powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:env/apps/:app/modifyAppOwner': `PSAdmin Set-AdminPowerAppOwner (${LEARN}/powershell/module/microsoft.powerapps.administration.powershell/set-adminpowerappowner: "sets the app owner and changes the current owner to the Can View role type", -ApiVersion default 2016-11-01); path and body {"roleForOldAppOwner":"CanView"|"CanEdit","newAppOwner":"<object id>"} as CLI src/m365/pa/commands/app/app-owner-set.ts:27,66-77 (api-version=2022-11-01; docs: roleForOldAppOwner omitted = the previous owner is removed; Global or Power Platform admin only); "The specified user with user id … does not exist." from app-owner-set.spec.ts:398-410 (its status and code unrecorded: 400 UserNotFound is ours); the answer body is unrecorded (the CLI ignores it); the module's own request body not read (its psm1 is in no stored repository); whether it works for a solution-aware app is unconfirmed`,
  'GET /powerapps/providers/Microsoft.PowerApps/apis/:connector/connections':
    'PSAdmin (maker module) Get-PowerAppConnection -ConnectorName: $filter=environment eq',
  'GET /powerapps/providers/Microsoft.PowerApps/connections':
    'PSAdmin (maker module) Get-PowerAppConnection: $filter=environment eq',

  // Power Platform API, connectivity (no admin scope)
  'GET /powerplatform/:host/connectivity/connections': `${TF_CONN}:124-142`,
  'GET /powerplatform/:host/connectivity/connectors/:connector/connections/:name': `${TF_CONN}:102-122`,
  'PUT /powerplatform/:host/connectivity/connectors/:connector/connections/:name': `${TF_CONN}:73-100 (GET then PUT of the whole object); oauthSP parameters: TF examples/resources/powerplatform_connection_share/resource.tf:18-34`,
  'GET /powerplatform/:host/connectivity/connectors/:connector/connections/:name/permissions': `${TF_CONN}:210-238`,
  'POST /powerplatform/:host/connectivity/connectors/:connector/connections/:name/modifyPermissions': `${TF_CONN}:162-196, 283-308`,

  // Classic Flow API
  'GET /flow/providers/Microsoft.ProcessSimple/environments/:env/flows':
    'CLI src/m365/flow/commands/flow-list.ts:110-112',
  'GET /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/v2/flows':
    'CLI src/m365/flow/commands/flow-list.ts:111 (list items without connectionReferences: flow-list.spec.ts:19)',
  'GET /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/flows':
    'CLI src/m365/flow/commands/recyclebinitem/recyclebinitem-list.ts:43 (v1 admin list, retired: CLI issue #6096)',
  'GET /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/flows/:flow':
    'CLI src/m365/flow/commands/flow-get.ts:66 (--asAdmin); answer shape flow-get.mock.ts',
  'GET /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/flows/:flow/permissions':
    'CLI src/m365/flow/commands/owner/owner-list.ts:64 (--asAdmin)',
  'GET /flow/providers/Microsoft.ProcessSimple/environments/:env/flows/:flow':
    'CLI src/m365/flow/commands/flow-get.ts:66',
  'GET /flow/providers/Microsoft.ProcessSimple/environments/:env/flows/:flow/permissions':
    'CLI src/m365/flow/commands/owner/owner-list.ts:64',
  'GET /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/flows/:flow/runs':
    'CLI src/m365/flow/commands/run/run-list.ts:81 (--asAdmin, api-version=2016-11-01); answer shape run-list.spec.ts:23-110 (newest first); 50 a page: github.com/johnnliu/Flow-Studio-Issues/issues/93; 28 days of history: Learn power-automate/dataverse/cloud-flow-run-metadata (FlowRun default time to live; the same span for this list is our understanding)',
  'GET /flow/providers/Microsoft.ProcessSimple/environments/:env/flows/:flow/runs':
    'CLI src/m365/flow/commands/run/run-list.ts:81 (owners and co-owners; admins use the route above)',
  'POST /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/flows/:flow/start':
    'CLI src/m365/flow/commands/flow-enable.ts:41 (--asAdmin)',
  'POST /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/flows/:flow/modifyPermissions':
    'CLI src/m365/flow/commands/owner/owner-ensure.ts:91-107 (--asAdmin; put, roleName CanView|CanEdit) and owner-remove.ts:85-95 (delete by id); PSAdmin Set-AdminFlowOwnerRole / Remove-AdminFlowOwnerRole (RoleId = …/flows/{flow}/permissions/{id}); solution flows refused: Microsoft Japan Power Platform support blog "Power Automate フロー所有者の退職・異動への備え" (2022-10-01: the cmdlet is for non-solution flows only) and github.com/microsoft/coe-starter-kit/issues/1488',
  'POST /flow/providers/Microsoft.ProcessSimple/environments/:env/flows/:flow/modifyPermissions':
    'CLI src/m365/flow/commands/owner/owner-ensure.ts:91-107; solution flows need a Dataverse user: learn.microsoft.com/training/modules/share-cloud-flow/solutions-sharing',
  'POST /flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:env/flows/:flow/stop':
    'CLI src/m365/flow/commands/flow-disable.ts:41 (--asAdmin)',
  'POST /flow/providers/Microsoft.ProcessSimple/environments/:env/flows/:flow/start':
    'CLI src/m365/flow/commands/flow-enable.ts:41',
  'POST /flow/providers/Microsoft.ProcessSimple/environments/:env/flows/:flow/stop':
    'CLI src/m365/flow/commands/flow-disable.ts:41',

  // Dataverse Web API (entity property lists in dataverseSchema.ts, from each EntityType page)
  'GET /dataverse/:org/api/data/v9.2/:set': `${DV_ENTITY}/connectionreference (and …/solution, …/solutioncomponent, …/systemuser, …/role, …/workflow, …/publisher); paging ${LEARN}/power-apps/developer/data-platform/webapi/query/page-results`,
  'PATCH /dataverse/:org/api/data/v9.2/:set': `${LEARN}/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api (basic update, If-Match: * against upsert, return=representation; ownerid@odata.bind: associate on update); ${DV_ENTITY}/connectionreference and …/workflow`,
  'GET /dataverse/:org/api/data/v9.2/:set/:nav': `${DV_ENTITY}/systemuser#collection-valued-navigation-properties (systemuserroles_association)`,

  // Azure Key Vault
  'PUT /secrets/:name': `${LEARN}/rest/api/keyvault/secrets/set-secret/set-secret`,
  'GET /secrets/:name/versions': `${LEARN}/rest/api/keyvault/secrets/get-secret-versions/get-secret-versions`,
  'GET /secrets/:name': `${LEARN}/rest/api/keyvault/secrets/get-secret/get-secret`,
  'GET /secrets/:name/:version': `${LEARN}/rest/api/keyvault/secrets/get-secret/get-secret`,
  'PATCH /secrets/:name/:version': `${LEARN}/rest/api/keyvault/secrets/update-secret/update-secret`,

  // The emulator's own control surface (no real counterpart)
  'POST /control/clock': 'emulator control (ours, control.ts)',
  'POST /control/faults': 'emulator control (ours, control.ts)',
  'POST /control/propagation': 'emulator control (ours, control.ts)',
  'GET /control/issuedSecrets': 'emulator control (ours, control.ts)',
  'GET /control/requestCount': 'emulator control (ours, control.ts)',
  'POST /control/recording': 'emulator control (ours, control.ts)',
  'GET /control/recorded': 'emulator control (ours, control.ts)',
  'POST /control/reset': 'emulator control (ours, control.ts)',
  'POST /control/userToken': 'emulator control (ours, control.ts)',
  'GET /control/flow': 'emulator control (ours, stateControl.ts)',
  'GET /control/connectionReference': 'emulator control (ours, stateControl.ts)',
  'POST /control/manager': 'emulator control (ours, stateControl.ts)',
};

/** The source recorded for a route registered as `method path` (path with `:name` segments), if any. */
export function sourceOfRoute(method: string, path: string): string | undefined {
  return ROUTE_SOURCES[`${method} ${path}`];
}
