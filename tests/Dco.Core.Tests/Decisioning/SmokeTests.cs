using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

public sealed class SmokeTests
{
    [Fact]
    public void Decide_chooses_one_asset_per_slot_with_exact_uniform_propensity()
    {
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("headline", 4), ("cta", 2)));

        var decision = snapshot.Decide(TestCampaigns.Request(), 1);

        Assert.False(decision.IsDefault);
        Assert.Equal(2, decision.AssetIds.Count);
        Assert.Equal(1.0 / 8, decision.Propensity, 12);
        Assert.Equal(2, decision.Explain().Slots.Count);
    }
}
