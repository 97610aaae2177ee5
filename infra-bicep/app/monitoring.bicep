// Log Analytics and workspace-based Application Insights. Both refuse key-based ingestion
// (disableLocalAuth): telemetry is accepted only with an Entra token, which the app gets from
// its managed identity (Monitoring Metrics Publisher, see rbac.bicep).

import { resourceTags } from '../types.bicep'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region.')
param location string

@description('Tags applied to both resources.')
param tags resourceTags

@description('Days Log Analytics keeps data; 30 is included in the ingestion price.')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = applicationInsights.name
// Not a secret: the instrumentation key only routes telemetry; with DisableLocalAuth every
// write also needs an Entra token.
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
