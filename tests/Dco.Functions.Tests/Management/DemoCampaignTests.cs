using Dco.Core.Decisioning;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Seeding;

namespace Dco.Functions.Tests.Management;

public sealed class DemoCampaignTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Demo_campaign_passes_validation_against_its_brand_kit_and_compiles()
    {
        var errors = CampaignValidator.Validate(DemoCampaign.Campaign(Now), DemoCampaign.BrandKit(Now));

        Assert.True(errors.IsEmpty, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
    }

    [Fact]
    public void Demo_campaign_has_five_slots_and_tens_of_assets()
    {
        var definition = DemoCampaign.Campaign(Now).Definition;

        Assert.Equal(["headline", "image", "cta", "disclaimer", "background"], definition.Slots.Select(s => s.Name));
        Assert.InRange(definition.Slots.Sum(s => s.Assets.Count), 30, 100);
    }

    [Fact]
    public void Decision_for_a_rainy_geo_fills_every_slot_and_never_shows_sun_gear_or_out_of_stock_products()
    {
        var snapshot = CampaignSnapshot.Create(DemoCampaign.Campaign(Now).Definition, seed: 7);
        var signals = DemoCampaign.LiveSignals(Now);
        var assets = DemoCampaign.Campaign(Now).Definition.Slots.SelectMany(s => s.Assets).ToDictionary(a => a.Id);
        var outOfStock = DemoCampaign.Products.Where(p => p.Stock <= 0).Select(p => "image-" + p.Sku.ToLowerInvariant()).ToHashSet();

        for (var i = 0; i < 200; i++)
        {
            var decision = snapshot.Decide(Request($"rain-{i}", "DE-HH", signals));

            Assert.False(decision.IsDefault, decision.DefaultReason.ToString());
            Assert.Equal(5, decision.AssetIds.Count);
            Assert.DoesNotContain(decision.AssetIds, id => assets[id].Tags.Contains("sun"));
            Assert.DoesNotContain(decision.AssetIds, outOfStock.Contains);
        }
    }

    [Fact]
    public void Rain_at_the_viewers_geo_makes_rain_images_more_frequent_than_in_a_dry_geo()
    {
        var snapshot = CampaignSnapshot.Create(DemoCampaign.Campaign(Now).Definition, seed: 11);
        var signals = DemoCampaign.LiveSignals(Now);
        var rainImages = DemoCampaign.Campaign(Now).Definition.Slots.Single(s => s.Name == "image").Assets.Where(a => a.Tags.Contains("rain")).Select(a => a.Id).ToHashSet();

        int RainShare(string geo) => Enumerable.Range(0, 400).Count(i => snapshot.Decide(Request($"{geo}-{i}", geo, signals)).AssetIds.Any(rainImages.Contains));

        Assert.True(RainShare("DE-HH") > RainShare("ES-MAD") + 100, $"rainy {RainShare("DE-HH")} vs dry {RainShare("ES-MAD")} of 400");
    }

    [Fact]
    public void Price_claim_headlines_are_always_shown_with_the_legal_disclaimer()
    {
        var definition = DemoCampaign.Campaign(Now).Definition;
        var snapshot = CampaignSnapshot.Create(definition, seed: 3);
        var signals = DemoCampaign.LiveSignals(Now);
        var assets = definition.Slots.SelectMany(s => s.Assets).ToDictionary(a => a.Id);

        var decisions = Enumerable.Range(0, 300).Select(i => snapshot.Decide(Request($"claim-{i}", i % 2 == 0 ? "DE-HH" : "ES-MAD", signals))).ToList();

        var withClaims = decisions.Where(d => d.AssetIds.Any(id => assets[id].Tags.Contains("price-claim"))).ToList();
        Assert.NotEmpty(withClaims);
        Assert.All(withClaims, d => Assert.Contains(d.AssetIds, id => assets[id].Tags.Contains("legal")));
    }

    [Fact]
    public void Low_stock_headline_is_never_shown_for_a_product_with_enough_stock()
    {
        var snapshot = CampaignSnapshot.Create(DemoCampaign.Campaign(Now).Definition, seed: 5);
        var signals = DemoCampaign.LiveSignals(Now);

        var headlines = Enumerable.Range(0, 300).Select(i => snapshot.Decide(Request($"stock-{i}", "DE-BER", signals)).AssetIds[0]).ToHashSet();

        Assert.DoesNotContain("headline-low-backpack", headlines); // 25 in stock
        Assert.DoesNotContain("headline-promo-winter", headlines); // the sale is seeded switched off
    }

    private static DecisionRequest Request(string id, string geo, LiveSignals signals) => new()
    {
        DecisionId = id,
        Consent = ConsentLevel.Full,
        Time = Now,
        Context = new RequestContext { Geo = geo, Placement = DemoCampaign.Placement, Device = "desktop" },
        Signals = signals,
    };
}
