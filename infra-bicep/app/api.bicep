// The Function App on Flex Consumption (.NET 10 isolated) and every app setting it reads.
// All settings are endpoints, names and the identity's client id: no key, no connection
// string with a secret. The setting names are the code's contract (the options classes of
// Dco.Infrastructure, local.settings.sample.json); tests/Dco.Deployment.Tests compares them.

import { resourceTags } from '../types.bicep'

@description('Function App name (also its host name prefix).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags applied to the plan and the app (azd-service-name: api on the app).')
param tags resourceTags

@description('Resource id of the app\'s user-assigned managed identity.')
param identityId string

@description('Client id of the app\'s user-assigned managed identity.')
param identityClientId string

@description('Blob endpoint of the storage account (https://<account>.blob.core.windows.net/).')
param storageBlobEndpoint string

@description('Queue endpoint of the storage account.')
param storageQueueEndpoint string

@description('Table endpoint of the storage account.')
param storageTableEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (routing only; ingestion needs Entra auth).')
param applicationInsightsConnectionString string

@description('Cosmos DB account endpoint.')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('Durable Task hub name; must equal host.json extensions.durableTask.hubName.')
param durableHubName string

@description('Key Vault URI (signing keys).')
param keyVaultUri string

@description('Name of the Key Vault secret whose versions are the tracking signing keys.')
param signingKeySecretName string

@description('Whether Azure OpenAI is deployed; its settings are emitted only then.')
param enableOpenAi bool

@description('Azure OpenAI endpoint (ignored when enableOpenAi is false).')
param openAiEndpoint string

@description('Azure OpenAI deployment name (ignored when enableOpenAi is false).')
param openAiDeploymentName string

@description('Always-ready instances for the HTTP group (decide and tracking): no cold start on the hot path.')
@minValue(0)
@maxValue(20)
param httpAlwaysReadyInstances int

@description('Concurrent HTTP requests per instance before Flex adds an instance.')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int

@description('Upper bound on instances (cost ceiling).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

// AzureWebJobsStorage by identity: used by the host, triggers, Durable, and our own
// blob/queue clients (Microsoft.Extensions.Azure reads the same keys).
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
}

var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var dcoSettings = {
  // DefaultAzureCredential picks the user-assigned identity from here for any client that
  // has no clientId of its own.
  AZURE_CLIENT_ID: identityClientId
  COSMOS__accountEndpoint: cosmosEndpoint
  COSMOS__databaseName: cosmosDatabaseName
  COSMOS__clientId: identityClientId
  DURABLE__hubName: durableHubName
  TRACKING__keyVaultUri: keyVaultUri
  TRACKING__signingKeySecretName: signingKeySecretName
  TRACKING__tokenLifetime: '7.00:00:00'
  TRACKING__keyRefreshInterval: '00:05:00'
  // Events outlive their decisions (SERVING__decisionRetention), or a repeat could be counted twice.
  TRACKING__eventRetention: '90.00:00:00'
  // Viewer pseudonymization key: versions of its own secret in the same vault (created like tracking-signing-key).
  PRIVACY__keyVaultUri: keyVaultUri
  PRIVACY__pseudonymizationKeySecretName: 'viewer-pseudonymization-key'
  // Serve-time path (docs/decisions/0008-serving-hot-path.md); tracking URLs start with the public base URL.
  SERVING__publicBaseUrl: 'https://${name}.azurewebsites.net/'
  SERVING__refreshInterval: '00:00:30'
  SERVING__decisionRetention: '30.00:00:00'
  SERVING__profileReadBudget: '00:00:00.010'
  SERVING__viewerCacheSize: '200000'
  SERVING__viewerFlushInterval: '00:00:30'
  SERVING__frequencyBuckets: '1024'
  SERVING__tcfVendorId: '0'
  SERVING__openRtbBidCpm: '2.0'
  SERVING__openRtbSeat: 'dco'
  SERVING__seed: '20261128'
}

var openAiSettings = {
  OPENAI__endpoint: openAiEndpoint
  OPENAI__deployment: openAiDeploymentName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: httpAlwaysReadyInstances > 0 ? [{ name: 'http', instanceCount: httpAlwaysReadyInstances }] : []
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: union(storageSettings, monitoringSettings, dcoSettings, enableOpenAi ? openAiSettings : {})
}

// No publishing passwords: azd deploys with the signed-in Entra identity.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
