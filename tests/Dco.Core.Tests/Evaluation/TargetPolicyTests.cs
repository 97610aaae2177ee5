using Dco.Core.Evaluation;

namespace Dco.Core.Tests.Evaluation;

public sealed class TargetPolicyTests
{
    private static readonly BanditLog Log = new(
        "t",
        [new LoggedSample("x", "a", 1, 0.5), new LoggedSample("x", "b", 0, 0.5)]);

    [Fact]
    public void Tabular_snapshot_whose_probabilities_do_not_sum_to_one_is_rejected()
    {
        var snapshot = new TabularPolicySnapshot { Name = "p", Default = new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.4 } };

        var error = Assert.Throws<ArgumentException>(() => new TabularTargetPolicy(snapshot));

        Assert.Contains("sums to 0.9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixed_policy_on_an_action_the_log_never_shows_is_rejected_as_unsupported()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OffPolicyEvaluator().Ips(Log, new FixedActionTargetPolicy("z")));

        Assert.Contains("chooses actions the log never shows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixed_policy_ips_counts_only_rows_that_show_its_action()
    {
        var estimate = new OffPolicyEvaluator().Ips(Log, new FixedActionTargetPolicy("a"));

        // (1/0.5·1 + 0) / 2
        Assert.Equal(1.0, estimate.Value, 12);
    }

    [Fact]
    public void Tabular_policy_uses_the_context_row_before_the_default()
    {
        var policy = new TabularTargetPolicy(new TabularPolicySnapshot
        {
            Name = "p",
            Default = new Dictionary<string, double> { ["a"] = 1 },
            Contexts = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["x"] = new Dictionary<string, double> { ["b"] = 1 } },
        });

        Assert.Equal(1, policy.Probability("x", "b", Log.Actions));
        Assert.Equal(1, policy.Probability("y", "a", Log.Actions));
    }

    [Fact]
    public void Engine_policy_needs_a_log_that_carries_context_features()
    {
        var campaign = Dco.Core.Simulation.EngineSimulatedPolicy.CampaignFor(
            new Dco.Core.Simulation.SimulatedWorld(Dco.Core.Simulation.Scenarios.Standard), new Dco.Core.Decisioning.PolicySettings());
        var snapshot = Dco.Core.Decisioning.CampaignSnapshot.Create(campaign);

        var error = Assert.Throws<ArgumentException>(() => new EngineTargetPolicy(snapshot, Log, DateTimeOffset.UnixEpoch));

        Assert.Contains("does not carry context features", error.Message, StringComparison.Ordinal);
    }
}
