// Every permission the app's managed identity holds, and nothing else. Each assignment is
// scoped to the one resource it is for and named guid(scope, principal, role), so a redeploy
// finds it again. tests/Dco.Deployment.Tests checks these roles against an allow-list; the
// reasons are in docs/decisions/0004-azure-deployment.md.

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param principalId string

@description('Storage account used by the host, Durable and the app.')
param storageAccountName string

@description('Cosmos DB account.')
param cosmosAccountName string

@description('Key Vault that holds the signing keys.')
param keyVaultName string

@description('Application Insights component the app writes telemetry to.')
param applicationInsightsName string

@description('Whether the Azure OpenAI account exists.')
param enableOpenAi bool

@description('Azure OpenAI account (ignored when enableOpenAi is false).')
param openAiAccountName string

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  // Blob read/write/delete and container create: host leases and secrets, Durable large
  // messages and leases, blob trigger receipts, Flex deployment package, our asset blobs.
  // Blob Data Owner adds only POSIX ACL/ownership and tag writes, which nothing here uses.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // Durable control/work-item queues, blob-trigger poison queue, our events/signals queues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Durable history and instance tables.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Read secret values and versions (signing keys); cannot write or delete them.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Inference calls only; cannot see keys or change deployments.
  cognitiveServicesOpenAiUser: '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
  // Send telemetry to an Application Insights that refuses local (key) auth.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Cosmos DB Built-in Data Contributor: items and queries in every container; no account,
// database or container management (those stay with this template).
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource openAi 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = if (enableOpenAi) {
  name: openAiAccountName
}

var storageRoleIds = [
  roles.storageBlobDataContributor
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, principalId, roleId)
    scope: storage
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.monitoringMetricsPublisher
    )
  }
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableOpenAi) {
  name: guid(openAi.id, principalId, roles.cognitiveServicesOpenAiUser)
  scope: openAi
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.cognitiveServicesOpenAiUser
    )
  }
}

// Cosmos data-plane access is not Azure RBAC: it is a SQL role assignment on the account.
resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataContributorRoleId)
  properties: {
    principalId: principalId
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    scope: cosmos.id
  }
}
