using Dco.Core.Decisioning;
using Dco.Functions;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Snapshots;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Serving;

/// <summary>The real app on the DevHost with a campaign of the test's own, loaded into the serving snapshot.</summary>
internal static class ServingHost
{
    public static async Task<DevHostRunner> StartAsync(params CampaignDocument[] campaigns)
    {
        Emulators.RequireCosmos();
        var host = await DevHostRunner.StartAsync(
            [.. typeof(DependencyInjection).Assembly.GetTypes()],
            new Dictionary<string, string?>
            {
                ["DURABLE:hubName"] = "serve" + Guid.NewGuid().ToString("N")[..8],
                ["TRACKING:keys"] = "t1:" + Convert.ToBase64String(Enumerable.Repeat((byte)3, 32).ToArray()),
                ["PRIVACY:keys"] = "p1:" + Convert.ToBase64String(Enumerable.Repeat((byte)5, 32).ToArray()),
                // These tests are about what is decided, not latency: a cold first profile read on a busy
                // machine must not turn a personalized request into a contextual one.
                ["SERVING:profileReadBudget"] = "00:00:01",
            },
            new InvocationLog(),
            builder => builder.AddDcoFunctions());
        var stores = host.Services.GetRequiredService<CosmosStores>();
        await host.Services.GetRequiredService<Dco.Infrastructure.Cosmos.CosmosSchemaInitializer>().InitializeAsync();
        var store = stores.For<CampaignDocument>(CosmosContainers.Campaigns, c => c.Id, c => c.Id);
        foreach (var campaign in campaigns)
        {
            await store.UpsertAsync(campaign);
        }

        await host.Services.GetRequiredService<ServingSnapshotCache>().RefreshAsync(CancellationToken.None);
        return host;
    }

    /// <summary>A two-slot campaign with a template, destinations and optional caps.</summary>
    public static CampaignDocument Campaign(string id, IReadOnlyList<FrequencyCapDefinition>? caps = null) => new()
    {
        Id = id,
        Placements = [id + "-slot"],
        UpdatedAt = DateTimeOffset.UtcNow,
        Template = "<a href=\"{{click_url}}\"><h1>{{headline.text}}</h1><img src=\"{{image.url}}\" alt=\"{{image.alt}}\"></a><img src=\"{{impression_url}}\" width=\"1\" height=\"1\" alt=\"\">",
        Definition = new CampaignDefinition
        {
            Id = id,
            Slots =
            [
                new SlotDefinition
                {
                    Name = "headline",
                    Assets =
                    [
                        new AssetDefinition { Id = "h1", Content = "Rain & <shine> deals", Attributes = new Dictionary<string, string> { ["destinationUrl"] = "https://shop.example/rain" } },
                        new AssetDefinition { Id = "h2", Content = "Summer sale", Attributes = new Dictionary<string, string> { ["destinationUrl"] = "https://shop.example/summer" } },
                    ],
                },
                new SlotDefinition
                {
                    Name = "image",
                    Assets =
                    [
                        new AssetDefinition { Id = "i1", Kind = "image", Content = "https://cdn.example/i1.png", Attributes = new Dictionary<string, string> { ["width"] = "300", ["height"] = "250", ["alt"] = "Umbrella" } },
                        new AssetDefinition { Id = "i2", Kind = "image", Content = "https://cdn.example/i2.png", Attributes = new Dictionary<string, string> { ["width"] = "300", ["height"] = "250", ["alt"] = "Beach" } },
                    ],
                },
            ],
            DefaultCreative = new Dictionary<string, string> { ["headline"] = "h2", ["image"] = "i2" },
            FrequencyCaps = caps ?? [],
        },
    };
}
