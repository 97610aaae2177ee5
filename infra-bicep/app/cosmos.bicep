// Cosmos DB for NoSQL: the account, database `dco` and the containers of shared/DESIGN.md's
// data table, with the partition keys the code uses. Keys are switched off (disableLocalAuth):
// the app reaches the data plane through a Cosmos SQL role assignment (rbac.bicep), and
// nothing can create or change databases or containers except this template.

import { resourceTags } from '../types.bicep'

@description('Cosmos DB account name.')
@minLength(3)
@maxLength(44)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags resourceTags

@description('Database that holds every container.')
param databaseName string

@description('serverless: pay per request, nothing at idle. autoscale: shared database throughput between 10% and 100% of cosmosAutoscaleMaxThroughput.')
@allowed([
  'serverless'
  'autoscale'
])
param throughputMode string

@description('Autoscale ceiling in RU/s, shared by all containers (autoscale mode only).')
@minValue(1000)
@maxValue(1000000)
param autoscaleMaxThroughput int

@description('A container and its partition key path.')
type containerSpec = {
  @description('Container id.')
  name: string
  @description('Partition key path.')
  partitionKey: string
  @description('True when items carry their own ttl (defaultTtl -1: on, no default expiry).')
  ttl: bool
}

// shared/DESIGN.md, "Data". Changing a partition key means a new container and a migration.
var containerSpecs containerSpec[] = [
  { name: 'campaigns', partitionKey: '/id', ttl: false }
  { name: 'assets', partitionKey: '/campaignId', ttl: false }
  { name: 'brandKits', partitionKey: '/id', ttl: false }
  { name: 'decisions', partitionKey: '/campaignId', ttl: true }
  { name: 'events', partitionKey: '/campaignId', ttl: true }
  { name: 'stats', partitionKey: '/campaignId', ttl: false }
  { name: 'signals', partitionKey: '/source', ttl: false }
  { name: 'profiles', partitionKey: '/userKey', ttl: true }
]

var serverless = throughputMode == 'serverless'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableAutomaticFailover: false
    enableFreeTier: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for spec in containerSpecs: {
    parent: database
    name: spec.name
    properties: {
      resource: union(
        {
          id: spec.name
          partitionKey: {
            paths: [spec.partitionKey]
            kind: 'Hash'
            version: 2
          }
        },
        spec.ttl ? { defaultTtl: -1 } : {}
      )
    }
  }
]

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
