// The Linux App Service plan and the Node 20 web app that runs `npm start` (dist/src/server.js) with the
// managed identity. App settings use exactly the names src/config.ts validates (test/infra/templates.test.ts
// checks them); only WEBSITE_*, SCM_* and Application Insights platform settings may stand beside them.
// No secret is set here: the bot authenticates as UserAssignedMSI and the backend as the managed identity.

param resourceBaseName string
param location string
param webAppSku string
param identityResourceId string
param identityClientId string
param identityTenantId string
param managedTenantId string
param keyVaultUrl string
param storageAccountUrl string
param adminsGroup string
param approversGroup string
param rotationRequiresTwoApprovers string
param secretLifetimeDays int
param scanCron string
param scanTimezone string
param appInsightsConnectionString string
param logAnalyticsWorkspaceId string

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Platform: run the zip Teams Toolkit deploys as is (built locally by `npm run build`).
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          name: 'ApplicationInsightsAgent_EXTENSION_VERSION'
          value: '~3'
        }
        // src/config.ts
        {
          name: 'NODE_ENV'
          value: 'production'
        }
        {
          name: 'LOG_LEVEL'
          value: 'info'
        }
        {
          name: 'BOT_ID'
          value: identityClientId
        }
        {
          name: 'BOT_TYPE'
          value: 'UserAssignedMSI'
        }
        {
          name: 'BOT_TENANT_ID'
          value: identityTenantId
        }
        {
          name: 'TENANT_ID'
          value: managedTenantId
        }
        {
          name: 'AUTH_MODE'
          value: 'managedIdentity'
        }
        {
          name: 'CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'MANAGED_IDENTITY_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'KEY_VAULT_URL'
          value: keyVaultUrl
        }
        {
          name: 'STORAGE'
          value: 'azure'
        }
        {
          name: 'AZURE_STORAGE_ACCOUNT_URL'
          value: storageAccountUrl
        }
        {
          name: 'ADMINS_GROUP'
          value: adminsGroup
        }
        {
          name: 'APPROVERS_GROUP'
          value: approversGroup
        }
        {
          name: 'ROTATION_REQUIRES_TWO_APPROVERS'
          value: rotationRequiresTwoApprovers
        }
        {
          name: 'SECRET_LIFETIME_DAYS'
          value: string(secretLifetimeDays)
        }
        {
          name: 'SCAN_CRON'
          value: scanCron
        }
        {
          name: 'SCAN_TIMEZONE'
          value: scanTimezone
        }
      ]
    }
  }
}

// The bot's JSON log lines (stderr) and the HTTP log go to Log Analytics.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

output webAppResourceId string = site.id
output defaultHostName string = site.properties.defaultHostName
