// Key Vault for the tracking-token signing keys. Access is Azure RBAC only (no access
// policies): the app reads secrets (Key Vault Secrets User, rbac.bicep); only the deployer
// writes them (Key Vault Secrets Officer, deployer-access.bicep) through hooks/signing-key.sh.

import { resourceTags } from '../types.bicep'

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the vault.')
param tags resourceTags

@description('Purge protection: a deleted vault and its keys cannot be purged for the retention period. Off by default so that `azd down --purge` can free the name.')
param enablePurgeProtection bool

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Setting false is rejected by the service once true; null leaves it off.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
