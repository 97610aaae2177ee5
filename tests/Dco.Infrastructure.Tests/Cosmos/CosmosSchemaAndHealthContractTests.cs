using Dco.Infrastructure.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.Infrastructure.Tests.Cosmos;

/// <summary>The schema initializer and the health probe against the configured endpoint, each test on a database of its own.</summary>
public sealed class CosmosSchemaAndHealthContractTests : IAsyncLifetime
{
    private readonly string databaseName = CosmosTestEnvironment.UniqueDatabaseName("schema");
    private ServiceProvider? services;

    private ServiceProvider Services
    {
        get
        {
            CosmosTestEnvironment.RequireEndpoint();
            return services ??= CosmosTestEnvironment.CreateServices(databaseName);
        }
    }

    [SkippableFact]
    public async Task Initialize_creates_every_container_with_its_partition_key_and_ttl_setting()
    {
        var database = await Services.GetRequiredService<CosmosSchemaInitializer>().InitializeAsync();

        var actual = new List<ContainerDefinition>();
        foreach (var expected in CosmosContainers.All)
        {
            ContainerProperties properties = await database.GetContainer(expected.Name).ReadContainerAsync();
            actual.Add(new ContainerDefinition(properties.Id, properties.PartitionKeyPath, properties.DefaultTimeToLive));
        }

        Assert.Equal(CosmosContainers.All, actual);
    }

    [SkippableFact]
    public async Task Initialize_twice_leaves_the_schema_and_the_data_in_place()
    {
        var initializer = Services.GetRequiredService<CosmosSchemaInitializer>();
        await initializer.InitializeAsync();
        var events = Services.GetRequiredService<CosmosStores>().For<TestEvent>(CosmosContainers.Events, e => e.Id, e => e.CampaignId);
        var item = TestData.AnEvent();
        await events.CreateAsync(item);

        await initializer.InitializeAsync();

        Assert.NotNull(await events.ReadAsync(item.Id, item.CampaignId));
    }

    [SkippableFact]
    public async Task Initialize_refuses_an_existing_container_with_another_partition_key()
    {
        var client = Services.GetRequiredService<CosmosClient>();
        Database database = await client.CreateDatabaseIfNotExistsAsync(databaseName);
        await database.CreateContainerAsync(CosmosContainers.Events.Name, "/kind");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Services.GetRequiredService<CosmosSchemaInitializer>().InitializeAsync());

        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Health_is_ok_when_the_database_holds_every_container()
    {
        await Services.GetRequiredService<CosmosSchemaInitializer>().InitializeAsync();

        var health = await Services.GetRequiredService<CosmosHealthProbe>().CheckAsync();

        Assert.Equal(CosmosHealth.Healthy, health);
    }

    [SkippableFact]
    public async Task Health_names_the_missing_containers()
    {
        await Services.GetRequiredService<CosmosSchemaInitializer>().InitializeAsync(databaseName, [CosmosContainers.Campaigns]);

        var health = await Services.GetRequiredService<CosmosHealthProbe>().CheckAsync();

        Assert.False(health.IsHealthy);
        Assert.Contains("assets, brandKits, decisions, events, stats, signals, profiles", health.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Health_reports_a_missing_database()
    {
        var health = await Services.GetRequiredService<CosmosHealthProbe>().CheckAsync();

        Assert.False(health.IsHealthy);
        Assert.Contains($"'{databaseName}' does not exist", health.Reason, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.GetRequiredService<CosmosClient>().GetDatabase(databaseName).DeleteStreamAsync();
            await services.DisposeAsync();
        }
    }
}
