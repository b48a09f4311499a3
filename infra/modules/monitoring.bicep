// Log Analytics + workspace-based Application Insights. The bot logs JSON lines to stderr; App Service's
// console logs land in this workspace (webApp.bicep's diagnostic settings), requests in Application Insights.

param resourceBaseName string
param location string
param logRetentionDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

output logAnalyticsWorkspaceId string = workspace.id
// An ingestion endpoint + instrumentation key: identifies where telemetry goes, grants no read access.
output appInsightsConnectionString string = appInsights.properties.ConnectionString
