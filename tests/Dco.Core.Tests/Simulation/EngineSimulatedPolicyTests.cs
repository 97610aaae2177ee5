using Dco.Core.Decisioning;
using Dco.Core.Simulation;

namespace Dco.Core.Tests.Simulation;

public sealed class EngineSimulatedPolicyTests
{
    private static readonly SimulatedWorld Standard = new(Scenarios.Standard);

    [Fact]
    public void Campaign_carries_the_scenario_s_slots_brand_rule_and_default_creative()
    {
        var campaign = EngineSimulatedPolicy.CampaignFor(Standard, new PolicySettings());

        Assert.Equal(["headline", "image", "cta"], campaign.Slots.Select(s => s.Name));
        Assert.Equal(11, campaign.Slots.Sum(s => s.Assets.Count));
        Assert.Equal("image.family-home", campaign.DefaultCreative["image"]);
        var rule = Assert.Single(campaign.Constraints);
        Assert.Equal(ConstraintKind.NeverTogether, rule.Kind);
    }

    [Fact]
    public void Engine_never_shows_the_banned_pair_and_uniform_covers_every_eligible_combination()
    {
        var policy = SimulationPolicies.Create(SimulationPolicies.Uniform, Standard, 1);
        var seen = new HashSet<int>();
        for (var t = 0; t < 5_000; t++)
        {
            var impression = new SimulatedImpression(t, t % 4, t % 3, 0, new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).AddSeconds(3 * t));
            var c = policy.Choose(impression);
            policy.RecordImpression(impression, c, clicked: false);
            seen.Add(c);
        }

        Assert.Equal(Standard.EligibleCombinations.Order(), seen.Order());
    }

    [Fact]
    public void Fixed_policy_always_shows_the_default_creative()
    {
        var report = new Simulator(Standard).Run(
            [SimulationPolicies.Create(SimulationPolicies.Fixed, Standard, 1)], new SimulationOptions { Impressions = 2_000, Seed = 2 });

        var expected = (Standard.FixedClickRate(0, Standard.DefaultCombination) + Standard.FixedClickRate(1, Standard.DefaultCombination)) / 2;
        Assert.Equal(expected, report.Outcome(SimulationPolicies.Fixed).ExpectedCtr, 0.004);
    }

    [Fact]
    public void Learning_policy_hears_late_conversions_without_error()
    {
        var report = new Simulator(Standard).Run(
            [SimulationPolicies.Create(SimulationPolicies.Thompson, Standard, 1)], new SimulationOptions { Impressions = 30_000, Seed = 3 });

        Assert.True(report.Outcome(SimulationPolicies.Thompson).Conversions > 0);
    }

    [Fact]
    public void Unknown_policy_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => SimulationPolicies.Create("greedy", Standard, 1));

        Assert.Contains("ts, ts-segmented, linear, uniform, fixed", error.Message, StringComparison.Ordinal);
    }
}
