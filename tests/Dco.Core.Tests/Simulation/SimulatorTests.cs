using Dco.Core.Simulation;

namespace Dco.Core.Tests.Simulation;

public sealed class SimulatorTests
{
    private static readonly SimulatedWorld Standard = new(Scenarios.Standard);

    [Fact]
    public void Oracle_has_zero_regret_and_every_other_policy_has_positive_regret()
    {
        var report = new Simulator(Standard).Run(
            [new UniformTestPolicy(Standard, 1)], new SimulationOptions { Impressions = 20_000, Seed = 3 });

        Assert.Equal(0, report.Outcome(Simulator.OracleName).Regret);
        Assert.True(report.Outcome("uniform-test").Regret > 0);
    }

    [Fact]
    public void Uniform_policy_expected_ctr_matches_the_world_s_closed_form()
    {
        var report = new Simulator(Standard).Run(
            [new UniformTestPolicy(Standard, 1)], new SimulationOptions { Impressions = 100_000, Seed = 4 });
        var closedForm = (Standard.UniformClickRate(0) + Standard.UniformClickRate(1)) / 2;

        // Traffic is random (segments, weather spells), so only approximately.
        Assert.Equal(closedForm, report.Outcome("uniform-test").ExpectedCtr, 0.0015);
    }

    [Fact]
    public void Same_seed_gives_the_same_report_and_another_seed_does_not()
    {
        SimulationReport Run(int seed) => new Simulator(Standard).Run(
            [new UniformTestPolicy(Standard, 1)], new SimulationOptions { Impressions = 5_000, Seed = seed });

        var first = Run(9);
        var second = Run(9);
        var other = Run(10);

        Assert.Equal(first.Outcome("uniform-test").Clicks, second.Outcome("uniform-test").Clicks);
        Assert.Equal(first.Outcome("uniform-test").ExpectedCtr, second.Outcome("uniform-test").ExpectedCtr);
        Assert.NotEqual(first.Outcome("uniform-test").ExpectedCtr, other.Outcome("uniform-test").ExpectedCtr);
    }

    [Fact]
    public void Conversions_arrive_after_their_impression_with_the_scenario_s_mean_delay()
    {
        var policy = new RecordingFixedPolicy(SimulatedWorldTests.Combination(Standard, "save-20", "city", "get-offer"));

        var report = new Simulator(Standard).Run([policy], new SimulationOptions { Impressions = 150_000, Seed = 5 });

        Assert.All(policy.Conversions, c => Assert.True(c.Arrived > c.Impression));
        var meanDelay = policy.Conversions.Average(c => c.Arrived - c.Impression);
        Assert.InRange(meanDelay, 3_500, 5_500); // geometric, mean 5,000, truncated by the end of the run
        Assert.Equal(policy.Conversions.Count, report.Outcome("fixed-test").Conversions);
        Assert.True(report.Outcome("fixed-test").PendingConversions > 0);
    }

    [Fact]
    public void Policies_share_the_click_draws_so_two_identical_policies_click_identically()
    {
        var combination = SimulatedWorldTests.Combination(Standard, "save-20", "city", "shop-now");
        var report = new Simulator(Standard).Run(
            [new RecordingFixedPolicy(combination, "a"), new RecordingFixedPolicy(combination, "b")],
            new SimulationOptions { Impressions = 10_000, Seed = 6 });

        Assert.Equal(report.Outcome("a").Clicks, report.Outcome("b").Clicks);
    }

    [Fact]
    public void Choosing_an_ineligible_combination_is_an_error_naming_the_policy()
    {
        var banned = SimulatedWorldTests.Combination(Standard, "winter-sale", "beach", "shop-now");

        var error = Assert.Throws<InvalidOperationException>(() => new Simulator(Standard).Run(
            [new RecordingFixedPolicy(banned)], new SimulationOptions { Impressions = 10 }));

        Assert.Contains("'fixed-test'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_is_reported_up_to_the_total()
    {
        var seen = new List<SimulationProgress>();
        var progress = new SynchronousProgress(seen.Add);

        new Simulator(Standard).Run(
            [new UniformTestPolicy(Standard, 1)], new SimulationOptions { Impressions = 5_000, ProgressEvery = 1_000 }, progress);

        Assert.Equal([1_000, 2_000, 3_000, 4_000, 5_000], seen.Select(p => p.Done));
    }

    [Fact]
    public void Chart_has_one_line_per_policy_and_the_oracle()
    {
        var report = new Simulator(Standard).Run(
            [new UniformTestPolicy(Standard, 1)], new SimulationOptions { Impressions = 5_000, ChartPoints = 50 });

        var svg = CumulativeCtrChart.ToSvg(report);

        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal(2, svg.Split("<polyline").Length - 1);
        Assert.Contains("oracle", svg, StringComparison.Ordinal);
        Assert.Equal(50, report.CumulativeCtr.Count);
    }

    private sealed class SynchronousProgress(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => report(value);
    }
}
