using System.Net;
using System.Text.Json.Nodes;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Seeding;
using Dco.Infrastructure.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Management;

/// <summary>What <c>Dco.DevHost seed</c> leaves in Cosmos DB, read back through the stores and the API.</summary>
public sealed class DemoSeedTests
{
    [SkippableFact]
    public async Task Seeded_demo_campaign_decides_for_a_rainy_geo_from_the_stored_campaign_and_signals()
    {
        await using var host = await ManagementHost.StartAsync();
        await host.Host.Services.GetRequiredService<LocalEnvironmentSeeder>().SeedAsync(CancellationToken.None);

        var campaign = await host.Host.Services.GetRequiredService<ICampaignCatalog>().GetAsync(DemoCampaign.CampaignId, CancellationToken.None);
        var signals = await StoredSignalsAsync(host);
        var decision = CampaignSnapshot.Create(campaign!.Definition).Decide(new DecisionRequest
        {
            DecisionId = "first-call",
            Consent = ConsentLevel.Full,
            Time = DateTimeOffset.UtcNow,
            Context = new RequestContext { Geo = "DE-HH", Placement = DemoCampaign.Placement },
            Signals = signals,
        });

        Assert.Equal([DemoCampaign.Placement], campaign.Placements);
        Assert.False(decision.IsDefault, decision.DefaultReason.ToString());
        Assert.Equal(5, decision.Assets.Count);
        Assert.DoesNotContain(decision.Assets, a => a.Tags.Contains("sun")); // it rains in Hamburg
        Assert.True(signals.TryGet("weather.precipitation", "DE-HH", out var rain) && rain >= 2);
    }

    [SkippableFact]
    public async Task Seeding_again_keeps_a_users_edit_of_the_demo_campaign()
    {
        await using var host = await ManagementHost.StartAsync();
        var seeder = host.Host.Services.GetRequiredService<LocalEnvironmentSeeder>();
        await seeder.SeedAsync(CancellationToken.None);
        var (read, demo) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{DemoCampaign.CampaignId}");
        demo!["status"] = "paused";
        var (edited, _) = await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{DemoCampaign.CampaignId}", demo, read.Headers.ETag!.ToString());

        await seeder.SeedAsync(CancellationToken.None);
        var (_, after) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{DemoCampaign.CampaignId}");

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("paused", after!["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Seeded_brand_kit_is_served_by_the_api()
    {
        await using var host = await ManagementHost.StartAsync();
        await host.Host.Services.GetRequiredService<LocalEnvironmentSeeder>().SeedAsync(CancellationToken.None);

        var (response, kit) = await host.SendAsync(HttpMethod.Get, $"api/manage/brand-kits/{DemoCampaign.BrandKitId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(DemoCampaign.LegalDisclaimer, kit!["requiredDisclaimers"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    private static async Task<LiveSignals> StoredSignalsAsync(ManagementHost host)
    {
        var store = host.Host.Services.GetRequiredService<CosmosStores>().For<SignalDocument>(CosmosContainers.Signals, s => s.Id, s => s.Source);
        var values = new List<SignalValue>();
        await foreach (var signal in store.QueryAcrossPartitionsAsync(new DocumentQuery("SELECT * FROM c")))
        {
            values.Add(new SignalValue(signal.Name, signal.Key, signal.Value));
        }

        return new LiveSignals(values);
    }
}
