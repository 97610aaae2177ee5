using Dco.Core.Simulation;

namespace Dco.Core.Tests.Simulation;

public sealed class SimulatedWorldTests
{
    private static readonly SimulatedWorld Standard = new(Scenarios.Standard);

    [Fact]
    public void Standard_scenario_has_48_combinations_of_which_the_brand_rule_bans_3()
    {
        Assert.Equal(48, Standard.Combinations.Count);
        Assert.Equal(45, Standard.EligibleCombinations.Count);
        Assert.DoesNotContain(
            Standard.EligibleCombinations,
            c => Standard.Describe(c)["headline"] == "winter-sale" && Standard.Describe(c)["image"] == "beach");
    }

    [Fact]
    public void Oracle_picks_the_eligible_combination_with_the_highest_true_ctr_in_every_context()
    {
        for (var phase = 0; phase < 2; phase++)
        {
            for (var s = 0; s < Standard.Segments.Count; s++)
            {
                for (var w = 0; w < Standard.Weathers.Count; w++)
                {
                    var best = Standard.EligibleCombinations.Max(c => Standard.ClickProbability(phase, s, w, c));
                    var chosen = Standard.BestCombination(phase, s, w);

                    Assert.Contains(chosen, Standard.EligibleCombinations);
                    Assert.Equal(best, Standard.ClickProbability(phase, s, w, chosen));
                }
            }
        }
    }

    [Fact]
    public void Beach_image_appeals_in_sunny_weather_and_not_in_rain()
    {
        var beach = Combination(Standard, "save-20", "beach", "shop-now");
        int sunny = Index(Standard.Weathers, "sunny"), rainy = Index(Standard.Weathers, "rainy");

        Assert.True(Standard.ClickProbability(0, 0, sunny, beach) > 1.3 * Standard.ClickProbability(0, 0, rainy, beach));
    }

    [Fact]
    public void Shift_in_tastes_makes_the_new_season_headline_overtake_the_leader()
    {
        var before = Combination(Standard, "save-20", "city", "shop-now");
        var after = Combination(Standard, "new-season", "city", "shop-now");

        Assert.Equal(before, Standard.BestFixedCombination(0));
        Assert.Equal(after, Standard.BestFixedCombination(1));
        Assert.True(Standard.FixedClickRate(1, before) < 0.92 * Standard.OracleClickRate(1));
    }

    [Fact]
    public void Standard_scenario_is_dominated_by_main_effects_so_the_best_context_blind_creative_earns_95_percent_of_the_oracle()
    {
        Assert.True(Standard.FixedClickRate(0, Standard.BestFixedCombination(0)) > 0.95 * Standard.OracleClickRate(0));
        Assert.True(Standard.FixedClickRate(1, Standard.BestFixedCombination(1)) > 0.95 * Standard.OracleClickRate(1));
    }

    [Fact]
    public void Click_probability_follows_the_documented_logit_sum()
    {
        // family, rainy, before the shift: logit(2 %) − 0.1 + free-delivery 0.15 + rain 0.15 + family-home 0.10 + family 0.30 + shop-now 0.20
        var c = Combination(Standard, "free-delivery", "family-home", "shop-now");
        var logit = Math.Log(0.02 / 0.98) - 0.1 + 0.15 + 0.15 + 0.10 + 0.30 + 0.20;

        var p = Standard.ClickProbability(0, Index(Standard.Segments, "family"), Index(Standard.Weathers, "rainy"), c);

        Assert.Equal(1 / (1 + Math.Exp(-logit)), p, 12);
    }

    [Fact]
    public void Strong_segments_scenario_gives_each_segment_a_different_best_creative()
    {
        var world = new SimulatedWorld(Scenarios.StrongSegments);
        var sunny = Index(world.Weathers, "sunny");

        var bests = Enumerable.Range(0, world.Segments.Count).Select(s => world.BestCombination(0, s, sunny)).Distinct().Count();

        Assert.Equal(world.Segments.Count, bests);
    }

    [Fact]
    public void Effect_on_an_unknown_asset_is_rejected_with_its_name()
    {
        var broken = Scenarios.Standard with { ClickEffects = [new AssetEffect("image", "moon", 1)] };

        var error = Assert.Throws<ArgumentException>(() => new SimulatedWorld(broken));

        Assert.Contains("image/moon", error.Message, StringComparison.Ordinal);
    }

    internal static int Combination(SimulatedWorld world, string headline, string image, string cta) =>
        Enumerable.Range(0, world.Combinations.Count).Single(c =>
        {
            var d = world.Describe(c);
            return d["headline"] == headline && d["image"] == image && d["cta"] == cta;
        });

    internal static int Index(IReadOnlyList<string> names, string name) => names.ToList().IndexOf(name);
}
