using System.Net;
using Dco.Infrastructure.Configuration;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// Creates the database and its containers when they are missing; safe to run any number of
/// times. In Azure the Bicep templates create them (data-plane roles cannot), so the platform
/// runs this only against key-authenticated accounts (emulators) and in tests.
/// </summary>
public sealed partial class CosmosSchemaInitializer(CosmosClient client, IOptions<CosmosOptions> options, ILogger<CosmosSchemaInitializer> logger)
{
    public Task<Database> InitializeAsync(CancellationToken cancellationToken = default) =>
        InitializeAsync(options.Value.DatabaseName, CosmosContainers.All, cancellationToken);

    public async Task<Database> InitializeAsync(string databaseName, IReadOnlyList<ContainerDefinition> containers, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        ArgumentNullException.ThrowIfNull(containers);
        DatabaseResponse database = await client.CreateDatabaseIfNotExistsAsync(databaseName, cancellationToken: cancellationToken);
        if (database.StatusCode == HttpStatusCode.Created)
        {
            LogCreated(logger, "database", databaseName);
        }

        foreach (var definition in containers)
        {
            // An existing container keeps its partition key for life: a different one is a deployment error.
            var existingPath = await ExistingPartitionKeyPathAsync(database.Database.GetContainer(definition.Name), cancellationToken);
            if (existingPath is not null)
            {
                if (!string.Equals(existingPath, definition.PartitionKeyPath, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"Container '{definition.Name}' in database '{databaseName}' is partitioned by '{existingPath}', but the platform needs '{definition.PartitionKeyPath}'. Partition keys cannot change: recreate the container.");
                }

                continue;
            }

            var properties = new ContainerProperties(definition.Name, definition.PartitionKeyPath)
            {
                DefaultTimeToLive = definition.DefaultTimeToLiveSeconds,
            };
            ContainerResponse response = await database.Database.CreateContainerIfNotExistsAsync(properties, cancellationToken: cancellationToken);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                LogCreated(logger, "container", definition.Name);
            }
        }

        return database.Database;
    }

    private static async Task<string?> ExistingPartitionKeyPathAsync(Container container, CancellationToken cancellationToken)
    {
        ContainerProperties properties;
        try
        {
            properties = await container.ReadContainerAsync(cancellationToken: cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return properties.PartitionKeyPath;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Cosmos DB {Kind} {Name}")]
    private static partial void LogCreated(ILogger logger, string kind, string name);
}
