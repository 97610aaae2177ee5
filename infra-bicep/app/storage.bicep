// The one storage account: Functions host state, Durable task hub (tables, queues, blobs),
// the app's asset containers and queues, and the Flex Consumption deployment package.
// Shared keys are switched off: every caller, the app included, authenticates with Entra ID.

import { resourceTags } from '../types.bicep'

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account and the Event Grid system topic.')
param tags resourceTags

@description('Blob container that holds the Function App deployment package (Flex Consumption).')
param deploymentContainerName string

@description('Name of the Event Grid system topic that publishes this account\'s blob events.')
param eventGridSystemTopicName string

// shared/DESIGN.md, "Data": creative teams drop files into assets-incoming.
var blobContainerNames = [
  'assets-incoming'
  'assets-approved'
  'assets-quarantine'
  deploymentContainerName
]

// The Functions host moves a message to <queue>-poison after maxDequeueCount; creating the
// twins here makes them visible (and alertable) before the first failure.
var queueNames = [
  'events'
  'events-poison'
  'signals'
  'signals-poison'
]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for containerName in blobContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

// Flex Consumption runs blob triggers only from Event Grid. The topic is declared here; the
// subscription to the Function App's blobs_extension webhook needs the host's system key, so
// hooks/postdeploy.sh creates it after the code is deployed (no key in any template).
resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: eventGridSystemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output eventGridSystemTopicName string = systemTopic.name
