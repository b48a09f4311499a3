// The Azure store (STORAGE=azure): Tables for records and audit, Queues for jobs, Blobs for the scanner lease.
// Shared keys are disabled: the bot's identity reaches the data plane through the three Data Contributor roles,
// and the store creates its tables, queues and container itself on first start.

param storageAccountName string
param location string
param storageSku string
@description('Object id of the managed identity.')
param principalId string

var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    defaultToOAuthAuthentication: true
  }
}

resource dataContributors 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in [
    storageTableDataContributor
    storageQueueDataContributor
    storageBlobDataContributor
  ]: {
    name: guid(account.id, principalId, roleId)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// AZURE_STORAGE_ACCOUNT_URL: the store derives the table and queue endpoints from the blob one.
output blobEndpoint string = account.properties.primaryEndpoints.blob
