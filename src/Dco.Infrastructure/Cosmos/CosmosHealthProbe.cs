using System.Net;
using Azure.Identity;
using Dco.Infrastructure.Configuration;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Cosmos;

/// <summary>Whether Cosmos DB is usable; <see cref="Reason"/> says what is wrong when it is not.</summary>
public sealed record CosmosHealth(bool IsHealthy, string? Reason)
{
    public static CosmosHealth Healthy { get; } = new(true, null);

    public static CosmosHealth Unhealthy(string reason) => new(false, reason);
}

/// <summary>Checks that the account answers and the database holds every container the platform uses.</summary>
public sealed class CosmosHealthProbe(CosmosClient client, IOptions<CosmosOptions> options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public Task<CosmosHealth> CheckAsync(CancellationToken cancellationToken = default) =>
        CheckAsync(CosmosContainers.All, cancellationToken);

    public async Task<CosmosHealth> CheckAsync(IReadOnlyList<ContainerDefinition> required, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(required);
        var databaseName = options.Value.DatabaseName;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            using var iterator = client.GetDatabase(databaseName).GetContainerQueryIterator<ContainerProperties>();
            while (iterator.HasMoreResults)
            {
                foreach (var container in await iterator.ReadNextAsync(timeout.Token))
                {
                    present.Add(container.Id);
                }
            }

            var missing = required.Where(c => !present.Contains(c.Name)).Select(c => c.Name).ToList();
            return missing.Count == 0
                ? CosmosHealth.Healthy
                : CosmosHealth.Unhealthy($"Cosmos DB database '{databaseName}' lacks container(s): {string.Join(", ", missing)}.");
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return CosmosHealth.Unhealthy($"Cosmos DB database '{databaseName}' does not exist at {client.Endpoint}.");
        }
        catch (CosmosException e)
        {
            return CosmosHealth.Unhealthy($"Cosmos DB answered {(int)e.StatusCode} {e.StatusCode} at {client.Endpoint}: {FirstLine(e.ResponseBody ?? e.Message)}");
        }
        catch (HttpRequestException e)
        {
            return CosmosHealth.Unhealthy($"Cosmos DB at {client.Endpoint} cannot be reached: {e.Message}");
        }
        catch (AuthenticationFailedException e)
        {
            return CosmosHealth.Unhealthy($"No token for Cosmos DB at {client.Endpoint}: {FirstLine(e.Message)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CosmosHealth.Unhealthy($"Cosmos DB at {client.Endpoint} did not answer within {Timeout.TotalSeconds:0} s.");
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
