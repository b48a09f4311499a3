// Connection Ops in one resource group: a user-assigned managed identity that is both the Azure Bot's identity
// (UserAssignedMSI, so no bot secret exists anywhere) and the backend identity that calls Graph, Power Platform
// and Key Vault; a Linux Web App running `npm start`; Key Vault (RBAC); Storage (tables, queues, blobs) for the
// Azure store; Application Insights on Log Analytics. Teams Toolkit's arm/deploy writes the outputs to
// env/.env.{env}; the app settings use exactly the names src/config.ts reads (test/infra checks both).

@minLength(4)
@maxLength(20)
@description('Prefix of every resource name; make it unique per environment (web app names are global).')
param resourceBaseName string

@description('Azure region of the regional resources (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('App Service plan SKU, e.g. B1 for dev, P0v3 for production.')
param webAppSku string = 'B1'

@description('Azure Bot SKU: F0 (free) or S1; Teams is a standard channel, free on both.')
@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@maxLength(42)
@description('Name of the bot shown in the Azure portal.')
param botDisplayName string = 'Connection Ops'

@description('Entra tenant whose Power Platform the bot manages; empty = the tenant of this subscription.')
param managedTenantId string = ''

@description('Entra group whose members are the bot\'s admins (ADMINS_GROUP).')
param adminsGroup string = 'Power Platform Admins'

@description('Entra group that approves secret rotations (APPROVERS_GROUP).')
param approversGroup string = 'Connection Ops Approvers'

@description('Require two distinct approvers for a secret rotation (ROTATION_REQUIRES_TWO_APPROVERS).')
@allowed([
  'true'
  'false'
])
param rotationRequiresTwoApprovers string = 'false'

@description('Lifetime in days of a client secret the bot creates (SECRET_LIFETIME_DAYS).')
param secretLifetimeDays int = 180

@description('When the tenant scan runs (SCAN_CRON), in SCAN_TIMEZONE.')
param scanCron string = '0 8 * * *'

@description('Time zone of the scan schedule (SCAN_TIMEZONE).')
param scanTimezone string = 'UTC'

@description('Redundancy of the storage account.')
param storageSku string = 'Standard_LRS'

@description('Days Log Analytics keeps logs.')
param logRetentionDays int = 30

var tenantToManage = empty(managedTenantId) ? tenant().tenantId : managedTenantId
// Both names are global and short-limited: derived from the resource group so that a redeploy reuses them.
var uniqueSuffix = uniqueString(resourceGroup().id, resourceBaseName)
var keyVaultName = 'kv${uniqueSuffix}'
var storageAccountName = 'st${uniqueSuffix}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

module monitoring './modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    resourceBaseName: resourceBaseName
    location: location
    logRetentionDays: logRetentionDays
  }
}

module keyVault './modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    keyVaultName: keyVaultName
    location: location
    principalId: identity.properties.principalId
  }
}

module storage './modules/storage.bicep' = {
  name: 'storage'
  params: {
    storageAccountName: storageAccountName
    location: location
    storageSku: storageSku
    principalId: identity.properties.principalId
  }
}

module webApp './modules/webApp.bicep' = {
  name: 'webApp'
  params: {
    resourceBaseName: resourceBaseName
    location: location
    webAppSku: webAppSku
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    managedTenantId: tenantToManage
    keyVaultUrl: keyVault.outputs.vaultUri
    storageAccountUrl: storage.outputs.blobEndpoint
    adminsGroup: adminsGroup
    approversGroup: approversGroup
    rotationRequiresTwoApprovers: rotationRequiresTwoApprovers
    secretLifetimeDays: secretLifetimeDays
    scanCron: scanCron
    scanTimezone: scanTimezone
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module botRegistration './modules/botRegistration.bicep' = {
  name: 'botRegistration'
  params: {
    botServiceName: resourceBaseName
    botDisplayName: botDisplayName
    botServiceSku: botServiceSku
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.outputs.defaultHostName
  }
}

// Teams Toolkit writes each output to env/.env.{env} under the same name.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.outputs.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.outputs.defaultHostName}'
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.outputs.webAppResourceId
output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
// The object id to grant Graph app roles and Power Platform / Dataverse access to (docs/deployment.md).
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output TENANT_ID string = tenantToManage
output KEY_VAULT_URL string = keyVault.outputs.vaultUri
output KEY_VAULT_NAME string = keyVaultName
output AZURE_STORAGE_ACCOUNT_URL string = storage.outputs.blobEndpoint
output AZURE_STORAGE_ACCOUNT_NAME string = storageAccountName
