using Azure.Core;
using Azure.Identity;
using Dco.Infrastructure.Configuration;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// Builds the one <see cref="CosmosClient"/> a process uses, for the real service: keyless
/// (managed identity) unless an emulator key is configured, and relaxed transport (Gateway mode,
/// HTTP or a self-signed certificate, no region discovery) only for a loopback emulator.
/// </summary>
public static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosOptions options, CosmosSerializer serializer, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serializer);
        var problem = CosmosOptionsRules.Validate(options);
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        var endpoint = options.AccountEndpoint!;
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "dco",
            Serializer = serializer,
        };
        if (options.AllowInsecureLoopback)
        {
            // Emulators answer on one address with HTTP or a self-signed certificate and no real regions.
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
            clientOptions.ServerCertificateCustomValidationCallback = static (_, _, _) => true;
        }

        if (!string.IsNullOrEmpty(options.AccountKey))
        {
            return new CosmosClient(endpoint.AbsoluteUri, options.AccountKey, clientOptions);
        }

        return new CosmosClient(endpoint.AbsoluteUri, credential ?? CreateCredential(options.ClientId), clientOptions);
    }

    /// <summary>The user-assigned managed identity when its client id is set, else DefaultAzureCredential.</summary>
    public static TokenCredential CreateCredential(string? clientId) =>
        string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
}
