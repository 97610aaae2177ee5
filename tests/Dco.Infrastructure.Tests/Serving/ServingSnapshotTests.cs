using Dco.Core.Decisioning;
using Dco.Infrastructure.Seeding;
using Dco.Infrastructure.Serving.Snapshots;

namespace Dco.Infrastructure.Tests.Serving;

public sealed class ServingSnapshotTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static ServingSnapshot Demo()
    {
        var document = DemoCampaign.Campaign(Now);
        return new ServingSnapshot(document, CampaignSnapshot.Create(document.Definition), template: null, modelVersion: 0);
    }

    private static Decision DecideFor(ServingSnapshot snapshot, string decisionId) =>
        snapshot.Engine.Decide(new DecisionRequest
        {
            DecisionId = decisionId,
            Consent = ConsentLevel.ContextualOnly,
            Time = Now,
            Context = new RequestContext { Geo = "NL-AMS", Placement = DemoCampaign.Placement },
            Signals = DemoCampaign.LiveSignals(Now),
        });

    [Fact]
    public void A_decisions_destinations_are_those_of_its_assets_that_have_one_in_slot_order()
    {
        var snapshot = Demo();
        for (var i = 0; i < 50; i++)
        {
            var decision = DecideFor(snapshot, $"d-{i}");
            var expected = decision.AssetIds
                .Where(id => snapshot.DestinationOf(id) is not null)
                .Select(id => KeyValuePair.Create(id, snapshot.DestinationOf(id)!))
                .ToList();
            Assert.NotEmpty(expected);

            var destinations = snapshot.DestinationsOf(decision);
            Assert.Equal(expected, destinations.ToList());
            Assert.Equal(expected.Count, destinations.Count);
            Assert.Equal(expected.Select(p => p.Key), destinations.Keys);
            Assert.Equal(expected.Select(p => p.Value), destinations.Values);
            foreach (var (asset, url) in expected)
            {
                Assert.True(destinations.ContainsKey(asset));
                Assert.Equal(url, destinations[asset]);
            }

            // Another asset of the campaign has a destination, but this decision did not serve it.
            var other = snapshot.Assets.Keys.First(id => snapshot.DestinationOf(id) is not null && !decision.AssetIds.Contains(id));
            Assert.False(destinations.TryGetValue(other, out _));
            Assert.Throws<KeyNotFoundException>(() => destinations[other]);
        }
    }

    [Fact]
    public void Served_assets_are_made_once_per_snapshot_and_show_the_assets_attributes()
    {
        var snapshot = Demo();
        var slot = snapshot.Document.Definition.Slots.First(s => s.Assets.Any(a => a.Attributes.ContainsKey("width")));
        var image = slot.Assets.First(a => a.Attributes.ContainsKey("width"));

        var served = snapshot.ServedOf(slot.Name, image);
        Assert.Same(served, snapshot.ServedOf(slot.Name, image));
        Assert.Equal(slot.Name, served.Slot);
        Assert.Equal(image.Id, served.Id);
        Assert.Equal(image.Content, served.Url);
        Assert.Equal(int.Parse(image.Attributes["width"], System.Globalization.CultureInfo.InvariantCulture), served.Width);

        // Asked for under another slot, or for an asset that is not this snapshot's, it is made as asked.
        var elsewhere = snapshot.ServedOf("elsewhere", image);
        Assert.Equal("elsewhere", elsewhere.Slot);
        var copy = image with { Content = "https://cdn.example/other.jpg" };
        Assert.Equal("https://cdn.example/other.jpg", snapshot.ServedOf(slot.Name, copy).Url);
    }
}
