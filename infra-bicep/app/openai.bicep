// Azure OpenAI with one model deployment. Keys are switched off (disableLocalAuth); the app
// calls it with its managed identity (Cognitive Services OpenAI User, rbac.bicep).

import { resourceTags } from '../types.bicep'

@description('Account name, also its custom subdomain (<name>.openai.azure.com).')
@minLength(2)
@maxLength(64)
param name string

@description('Azure region (model availability differs by region).')
param location string

@description('Tags applied to the account.')
param tags resourceTags

@description('Deployment name the app calls (OPENAI__deployment).')
param deploymentName string

@description('Model name, e.g. gpt-4o-mini.')
param modelName string

@description('Model version, e.g. 2024-07-18.')
param modelVersion string

@description('Deployment SKU: GlobalStandard (pay per token, global routing) or Standard (regional).')
@allowed([
  'GlobalStandard'
  'DataZoneStandard'
  'Standard'
])
param deploymentSku string

@description('Capacity in thousands of tokens per minute.')
@minValue(1)
param capacity int

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: deploymentSku
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

output name string = account.name
output endpoint string = account.properties.endpoint
output deploymentName string = deployment.name
