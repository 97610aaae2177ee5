// DcoFunctions in one resource group: `azd up` provisions this, then deploys src/Dco.Functions.
// Keyless throughout: one user-assigned managed identity with the roles in app/rbac.bicep,
// shared keys and local auth switched off on every service that has them.
// Read docs/deploy.md first, then docs/decisions/0004-azure-deployment.md for the reasons.

targetScope = 'subscription'

import { resourceTags } from 'types.bicep'

@description('azd environment name; part of every resource name and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for all resources (it must offer Flex Consumption).')
@minLength(1)
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of whoever runs azd (AZURE_PRINCIPAL_ID); granted Key Vault Secrets Officer to write the signing keys. Empty: no grant, write the keys yourself.')
param deployerPrincipalId string = ''

@description('User for a person, ServicePrincipal for a pipeline identity.')
@allowed([
  'User'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

@description('Cosmos DB capacity: serverless (nothing at idle) or autoscale (shared database throughput).')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosThroughputMode string = 'serverless'

@description('Autoscale ceiling in RU/s when cosmosThroughputMode is autoscale.')
@minValue(1000)
@maxValue(1000000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Deploy Azure OpenAI and emit OPENAI__ settings.')
param enableOpenAi bool = true

@description('Region for Azure OpenAI; empty means the same as location.')
param openAiLocation string = ''

@description('Azure OpenAI model to deploy.')
param openAiModelName string = 'gpt-4o-mini'

@description('Version of the model.')
param openAiModelVersion string = '2024-07-18'

@description('Deployment SKU of the model.')
@allowed([
  'GlobalStandard'
  'DataZoneStandard'
  'Standard'
])
param openAiDeploymentSku string = 'GlobalStandard'

@description('Model capacity in thousands of tokens per minute.')
@minValue(1)
param openAiCapacity int = 10

@description('Always-ready instances for the HTTP group (decide, tracking). 0 allows cold starts and costs nothing at idle.')
@minValue(0)
@maxValue(20)
param httpAlwaysReadyInstances int = 1

@description('Concurrent HTTP requests per instance before Flex scales out (host.json maxConcurrentRequests must be at least this).')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 64

@description('Instance ceiling of the Function App.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Key Vault purge protection (recommended for production; blocks `azd down --purge` for the retention period).')
param keyVaultPurgeProtection bool = false

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags resourceTags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.functionApp}api-${resourceToken}'
var deploymentContainerName = 'app-package-${functionAppName}'
var cosmosDatabaseName = 'dco'
var signingKeySecretName = 'tracking-signing-key'
var openAiDeploymentName = openAiModelName
var names = {
  identity: '${abbrs.managedIdentity}api-${resourceToken}'
  logAnalytics: '${abbrs.logAnalyticsWorkspace}${resourceToken}'
  applicationInsights: '${abbrs.appInsights}${resourceToken}'
  storage: '${abbrs.storageAccount}${resourceToken}'
  eventGridSystemTopic: '${abbrs.eventGridSystemTopic}storage-${resourceToken}'
  cosmos: '${abbrs.cosmosDbAccount}${resourceToken}'
  keyVault: '${abbrs.keyVault}${resourceToken}'
  openAi: '${abbrs.cognitiveServicesOpenAi}${resourceToken}'
  plan: '${abbrs.servicePlan}${resourceToken}'
}
// One source of truth for the task hub: host.json, which the Functions host also reads.
var durableHubName = loadJsonContent('../host.json', '$.extensions.durableTask.hubName')

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    eventGridSystemTopicName: names.eventGridSystemTopic
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: names.cosmos
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
  }
}

module openAi 'app/openai.bicep' = if (enableOpenAi) {
  name: 'openAi'
  scope: rg
  params: {
    name: names.openAi
    location: empty(openAiLocation) ? location : openAiLocation
    tags: tags
    deploymentName: openAiDeploymentName
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    deploymentSku: openAiDeploymentSku
    capacity: openAiCapacity
  }
}

// Names, not module outputs, so What-If can predict the role assignments; dependsOn orders them.
module appRoles 'app/rbac.bicep' = {
  name: 'appRoles'
  scope: rg
  params: {
    // A new identity gets a new principal id, hence new assignments: the name must include it,
    // even though What-If cannot know it before the identity exists.
    #disable-next-line what-if-short-circuiting
    principalId: identity.outputs.principalId
    storageAccountName: names.storage
    cosmosAccountName: names.cosmos
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    enableOpenAi: enableOpenAi
    openAiAccountName: names.openAi
  }
  dependsOn: [
    storage
    cosmos
    keyVault
    monitoring
    openAi
  ]
}

module deployerRoles 'app/deployer-access.bicep' = if (!empty(deployerPrincipalId)) {
  name: 'deployerRoles'
  scope: rg
  params: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    keyVaultName: names.keyVault
  }
  dependsOn: [
    keyVault
  ]
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    durableHubName: durableHubName
    keyVaultUri: keyVault.outputs.uri
    signingKeySecretName: signingKeySecretName
    enableOpenAi: enableOpenAi
    openAiEndpoint: enableOpenAi ? openAi!.outputs.endpoint : ''
    openAiDeploymentName: enableOpenAi ? openAi!.outputs.deploymentName : ''
    httpAlwaysReadyInstances: httpAlwaysReadyInstances
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The app starts as soon as it exists: its roles must be in place first.
  dependsOn: [
    appRoles
  ]
}

// azd stores every output in the environment (.azure/<env>/.env); the hooks read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = storage.outputs.eventGridSystemTopicName
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE_NAME string = cosmos.outputs.databaseName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output TRACKING_SIGNING_KEY_SECRET_NAME string = signingKeySecretName
@description('Key Vault secret whose versions are the viewer pseudonymization keys (PRIVACY__pseudonymizationKeySecretName in app/api.bicep).')
output PRIVACY_KEY_SECRET_NAME string = 'viewer-pseudonymization-key'
output AZURE_OPENAI_ENDPOINT string = enableOpenAi ? openAi!.outputs.endpoint : ''
output AZURE_OPENAI_DEPLOYMENT string = enableOpenAi ? openAi!.outputs.deploymentName : ''
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
