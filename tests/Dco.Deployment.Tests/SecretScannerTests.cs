using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>The scanner the no-secrets tests rely on does flag what it must, and leaves ordinary template text alone.</summary>
public sealed class SecretScannerTests
{
    [Theory]
    [InlineData("var keys = storage.listKeys().keys[0].value")]
    [InlineData("\"value\": \"[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2023-01-01').keys[0].value]\"")]
    [InlineData("var cs = cosmos.listConnectionStrings().connectionStrings[0].connectionString")]
    [InlineData("var sas = storage.listAccountSas('2023-01-01', {}).accountSasToken")]
    [InlineData("AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=${key}'")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abc")]
    [InlineData("url: 'https://st.blob.core.windows.net/c?sv=2022-11-02&sig=abc'")]
    [InlineData("value: cosmos.properties.primaryMasterKey")]
    [InlineData("@secure()")]
    [InlineData("COSMOS__accountKey: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=='")]
    public void Scan_flags_a_key_or_secret(string line)
    {
        Assert.NotEmpty(SecretScanner.Scan("sample", line));
    }

    [Theory]
    [InlineData("resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {")]
    [InlineData("AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint")]
    [InlineData("roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'")]
    [InlineData("\"templateHash\": \"17735384857839098735\"")]
    [InlineData("// Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers holds the data")]
    public void Scan_leaves_ordinary_template_text_alone(string line)
    {
        Assert.Empty(SecretScanner.Scan("sample", line));
    }
}
