// The one data-plane permission the person or pipeline running `azd up` needs: writing the
// tracking signing keys into Key Vault (hooks/signing-key.sh). Nothing else is granted to the
// deployer; managing resources already comes with the rights needed to run the deployment.

@description('Object id of the deployer (azd sets AZURE_PRINCIPAL_ID).')
param principalId string

@description('User for a person, ServicePrincipal for a pipeline identity.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string

@description('Key Vault that holds the signing keys.')
param keyVaultName string

// Key Vault Secrets Officer: create secret versions and change their attributes (rotation).
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
  }
}
