using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Dco.Infrastructure.Storage;

/// <summary>
/// Creates Blob and Queue clients for a Functions-style storage connection (default
/// <c>AzureWebJobsStorage</c>), read the way the Functions host reads it: a connection string
/// (Azurite locally) or identity-based settings (<c>__blobServiceUri</c>, <c>__queueServiceUri</c>,
/// <c>__accountName</c>, <c>__credential</c>, <c>__clientId</c>) in Azure.
/// </summary>
public sealed class StorageAccount
{
    public const string DefaultConnectionName = "AzureWebJobsStorage";

    private readonly string? connectionString;
    private readonly Uri? blobServiceUri;
    private readonly Uri? queueServiceUri;
    private readonly TokenCredential? credential;

    private StorageAccount(string name, string? connectionString, Uri? blobUri, Uri? queueUri, TokenCredential? credential)
    {
        ConnectionName = name;
        this.connectionString = connectionString;
        blobServiceUri = blobUri;
        queueServiceUri = queueUri;
        this.credential = credential;
    }

    public string ConnectionName { get; }

    /// <summary>The connection string, when the account is configured with one (emulators).</summary>
    public string? ConnectionString => connectionString;

    public static StorageAccount FromConfiguration(IConfiguration configuration, string? connectionName = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = string.IsNullOrWhiteSpace(connectionName) ? DefaultConnectionName : connectionName;
        var section = configuration.GetSection(name);
        var plain = section.Value ?? configuration.GetConnectionString(name);
        if (!string.IsNullOrWhiteSpace(plain))
        {
            return new StorageAccount(name, plain, null, null, null);
        }

        var accountName = section["accountName"];
        var blobUri = ParseUri(section["blobServiceUri"]) ?? (accountName is null ? null : new Uri($"https://{accountName}.blob.core.windows.net"));
        var queueUri = ParseUri(section["queueServiceUri"]) ?? (accountName is null ? null : new Uri($"https://{accountName}.queue.core.windows.net"));
        if (blobUri is null && queueUri is null)
        {
            throw new InvalidOperationException(
                $"Storage connection '{name}' is not configured: set '{name}' to a connection string, or " +
                $"'{name}__blobServiceUri'/'{name}__queueServiceUri' (or '{name}__accountName') with '{name}__credential=managedidentity'.");
        }

        var clientId = section["clientId"];
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new StorageAccount(name, null, blobUri, queueUri, credential);
    }

    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions? options = null) =>
        connectionString is not null
            ? new BlobServiceClient(connectionString, options)
            : new BlobServiceClient(blobServiceUri ?? throw Missing("blobServiceUri"), credential, options);

    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions? options = null) =>
        connectionString is not null
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(queueServiceUri ?? throw Missing("queueServiceUri"), credential, options);

    private InvalidOperationException Missing(string key) =>
        new($"Storage connection '{ConnectionName}' has no '{ConnectionName}__{key}' setting.");

    private static Uri? ParseUri(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : new Uri(value, UriKind.Absolute);
}
