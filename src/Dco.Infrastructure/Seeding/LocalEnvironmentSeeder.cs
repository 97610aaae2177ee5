using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Storage;
using Microsoft.Extensions.Logging;

namespace Dco.Infrastructure.Seeding;

/// <summary>
/// Prepares a local environment (emulators) for a first run: storage containers and queues, Cosmos
/// database and containers, demo data. Idempotent; <c>./dco run</c> calls it before starting the host.
/// In Azure the same resources come from infra-bicep.
/// </summary>
public sealed partial class LocalEnvironmentSeeder(
    StorageSchemaInitializer storage,
    CosmosSchemaInitializer cosmos,
    CampaignStores campaigns,
    CosmosStores stores,
    TimeProvider time,
    ILogger<LocalEnvironmentSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        LogStorageReady(logger, StorageNames.Containers.Count, StorageNames.Queues.Count);
        await cosmos.InitializeAsync(cancellationToken);
        LogCosmosReady(logger, CosmosContainers.All.Count);
        await SeedDemoAsync(cancellationToken);
    }

    /// <summary>
    /// The demo brand kit and campaign are created only when missing (a user's edits survive a
    /// re-run); the demo signals are upserted so a re-run refreshes their expiry.
    /// </summary>
    public async Task SeedDemoAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var kit = await campaigns.BrandKits.CreateAsync(DemoCampaign.BrandKit(now), cancellationToken);
        var campaign = await campaigns.Campaigns.CreateAsync(DemoCampaign.Campaign(now), cancellationToken);
        var signals = stores.For<SignalDocument>(CosmosContainers.Signals, s => s.Id, s => s.Source);
        var seeded = DemoCampaign.Signals(now);
        foreach (var signal in seeded)
        {
            await signals.UpsertAsync(signal, cancellationToken);
        }

        LogDemoSeeded(logger, DemoCampaign.CampaignId, campaign.Succeeded ? "created" : "kept as it is", kit.Succeeded ? "created" : "kept as it is", seeded.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: {Containers} blob containers, {Queues} queues")]
    private static partial void LogStorageReady(ILogger logger, int containers, int queues);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos DB ready: {Containers} containers")]
    private static partial void LogCosmosReady(ILogger logger, int containers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo campaign {CampaignId} {CampaignOutcome}, brand kit {BrandKitOutcome}, {Signals} signals upserted")]
    private static partial void LogDemoSeeded(ILogger logger, string campaignId, string campaignOutcome, string brandKitOutcome, int signals);
}
