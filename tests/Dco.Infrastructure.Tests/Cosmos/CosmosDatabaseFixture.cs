using Dco.Infrastructure.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.Infrastructure.Tests.Cosmos;

/// <summary>
/// One database of the test run's own, with the platform's schema, created on first use and
/// deleted at the end, so the suite can run against a shared real account and be re-run.
/// </summary>
public sealed class CosmosDatabaseFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private ServiceProvider? services;

    public string DatabaseName { get; } = CosmosTestEnvironment.UniqueDatabaseName("contract");

    /// <summary>The platform's services over this database; skips or fails the test when no endpoint is configured.</summary>
    public async Task<IServiceProvider> ServicesAsync()
    {
        CosmosTestEnvironment.RequireEndpoint();
        await gate.WaitAsync();
        try
        {
            if (services is null)
            {
                var created = CosmosTestEnvironment.CreateServices(DatabaseName);
                await created.GetRequiredService<CosmosSchemaInitializer>().InitializeAsync();
                services = created;
            }

            return services;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<CosmosDocumentStore<TestEvent>> EventsAsync() =>
        (await ServicesAsync()).GetRequiredService<CosmosStores>().For<TestEvent>(CosmosContainers.Events, e => e.Id, e => e.CampaignId);

    /// <summary>A container with TTL off, keyed like events (<c>/campaignId</c>).</summary>
    public async Task<CosmosDocumentStore<TestEvent>> StatsAsync() =>
        (await ServicesAsync()).GetRequiredService<CosmosStores>().For<TestEvent>(CosmosContainers.Stats, e => e.Id, e => e.CampaignId);

    public async Task<CosmosDocumentStore<TestEvent>> DecisionsAsync() =>
        (await ServicesAsync()).GetRequiredService<CosmosStores>().For<TestEvent>(CosmosContainers.Decisions, e => e.Id, e => e.CampaignId);

    public async Task<CosmosDocumentStore<TestCampaign>> CampaignsAsync() =>
        (await ServicesAsync()).GetRequiredService<CosmosStores>().For<TestCampaign>(CosmosContainers.Campaigns, c => c.Id, c => c.Id);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.GetRequiredService<CosmosClient>().GetDatabase(DatabaseName).DeleteStreamAsync();
            await services.DisposeAsync();
        }

        gate.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosDatabaseFixture>
{
    public const string Name = "Cosmos contract";
}
