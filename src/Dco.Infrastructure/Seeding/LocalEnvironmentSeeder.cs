using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Storage;
using Microsoft.Extensions.Logging;

namespace Dco.Infrastructure.Seeding;

/// <summary>
/// Prepares a local environment (emulators) for a first run: storage containers and queues, Cosmos
/// database and containers, demo data. Idempotent; <c>./dco run</c> calls it before starting the host.
/// In Azure the same resources come from infra-bicep.
/// </summary>
public sealed partial class LocalEnvironmentSeeder(StorageSchemaInitializer storage, CosmosSchemaInitializer cosmos, ILogger<LocalEnvironmentSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        LogStorageReady(logger, StorageNames.Containers.Count, StorageNames.Queues.Count);
        await cosmos.InitializeAsync(cancellationToken);
        LogCosmosReady(logger, CosmosContainers.All.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: {Containers} blob containers, {Queues} queues")]
    private static partial void LogStorageReady(ILogger logger, int containers, int queues);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos DB ready: {Containers} containers")]
    private static partial void LogCosmosReady(ILogger logger, int containers);
}
