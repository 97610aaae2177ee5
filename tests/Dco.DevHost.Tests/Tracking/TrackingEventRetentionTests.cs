using System.Text.Json.Nodes;
using Dco.Core.Serving.Tracking;
using Dco.DevHost.Tests.Learning;
using Microsoft.Azure.Cosmos;

namespace Dco.DevHost.Tests.Tracking;

/// <summary>Tracking events expire: each is stored with the TTL of TRACKING__eventRetention.</summary>
[Collection(LearningLoopCollection.Name)]
public sealed class TrackingEventRetentionTests(LearningLoopHost fixture)
{
    [SkippableFact]
    public async Task A_recorded_impression_is_stored_with_a_ttl_of_the_default_90_days()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        var (record, links) = await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId());

        using var pixel = await fixture.Http.GetAsync(links.ImpressionUrl);
        using var stored = await fixture.Events.Container.ReadItemStreamAsync(EventIds.Impression(record.DecisionId), new PartitionKey(campaign.Id));
        var document = await JsonNode.ParseAsync(stored.EnsureSuccessStatusCode().Content);

        Assert.Equal(90 * 24 * 60 * 60, document!["ttl"]!.GetValue<int>());
    }
}
