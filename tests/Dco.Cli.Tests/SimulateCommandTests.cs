using System.Text.Json;

namespace Dco.Cli.Tests;

public sealed class SimulateCommandTests
{
    [Fact]
    public void Simulate_prints_every_policy_and_the_oracle_as_json_and_writes_the_chart()
    {
        using var chart = new TempFile(".svg", "");

        var (exitCode, output, error) = CliRunner.Run(
            "simulate", "--impressions", "3000", "--policies", "ts,uniform", "--seed", "4", "--chart", chart.Path);

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var policies = json.RootElement.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(["ts", "uniform", "oracle"], policies.Select(p => p.GetProperty("policy").GetString()));
        Assert.All(policies, p => Assert.True(p.GetProperty("regret").GetDouble() >= 0));
        Assert.Contains("<polyline", File.ReadAllText(chart.Path), StringComparison.Ordinal);
        Assert.Contains("100 %", error, StringComparison.Ordinal); // the progress bar went to stderr
    }

    [Fact]
    public void Simulated_decision_log_can_be_evaluated_by_ope()
    {
        using var log = new TempFile(".jsonl", "");
        var (simulateExit, _, simulateError) = CliRunner.Run(
            "simulate", "--impressions", "4000", "--policies", "uniform", "--decision-log", log.Path, "--no-progress");
        Assert.True(simulateExit == 0, simulateError);

        var (exitCode, output, error) = CliRunner.Run("ope", "--log", log.Path, "--policy", "uniform");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(4000, json.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(45, json.RootElement.GetProperty("actions").GetInt32());

        // The engine's uniform policy draws slot by slot among feasible assets, so a combination with
        // the banned headline has propensity 1/4·1/3·1/3 and the others 1/4·1/4·1/3; IPS reweights to 1/45 each.
        var records = File.ReadLines(log.Path).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(records, r => Assert.Contains(r.GetProperty("propensity").GetDouble(), new[] { 1.0 / 36, 1.0 / 48 }));
        var expected = records.Sum(r => (r.GetProperty("outcome").GetProperty("clicked").GetBoolean() ? 1.0 : 0.0) / 45 / r.GetProperty("propensity").GetDouble()) / records.Count;
        Assert.Equal(expected, json.RootElement.GetProperty("estimates")[0].GetProperty("value").GetDouble(), 12);
    }

    [Fact]
    public void Ope_of_an_engine_campaign_file_on_a_simulated_log_equals_ope_of_the_same_fixed_creative()
    {
        using var log = new TempFile(".jsonl", "");
        Assert.Equal(0, CliRunner.Run("simulate", "--impressions", "4000", "--policies", "uniform", "--decision-log", log.Path, "--no-progress").ExitCode);
        var world = new Dco.Core.Simulation.SimulatedWorld(Dco.Core.Simulation.Scenarios.Standard);
        var campaign = Dco.Core.Simulation.EngineSimulatedPolicy.CampaignFor(
            world, new Dco.Core.Decisioning.PolicySettings { Kind = Dco.Core.Decisioning.PolicyKind.FixedCreative, ExplorationFloor = 0 });
        using var campaignFile = new TempFile(".json", JsonSerializer.Serialize(campaign, Dco.Core.Decisioning.DecisioningJsonContext.Default.CampaignDefinition));
        var defaultCombination = string.Join('|', campaign.Slots.Select(s => campaign.DefaultCreative[s.Name]));

        var (engineExit, engineOutput, engineError) = CliRunner.Run("ope", "--log", log.Path, "--policy", campaignFile.Path);
        var (_, fixedOutput, _) = CliRunner.Run("ope", "--log", log.Path, "--policy", "fixed:" + defaultCombination);

        Assert.True(engineExit == 0, engineError);
        using var engine = JsonDocument.Parse(engineOutput);
        using var fixedCreative = JsonDocument.Parse(fixedOutput);
        Assert.StartsWith("fixed-creative@", engine.RootElement.GetProperty("policy").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            fixedCreative.RootElement.GetProperty("estimates")[0].GetProperty("value").GetDouble(),
            engine.RootElement.GetProperty("estimates")[0].GetProperty("value").GetDouble(),
            12);
    }

    [Fact]
    public void Simulate_refuses_a_chart_that_is_not_svg()
    {
        var (exitCode, output, error) = CliRunner.Run("simulate", "--impressions", "10", "--chart", "out.png", "--no-progress");

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("give a path ending in .svg", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_names_the_known_policies_when_given_an_unknown_one()
    {
        var (exitCode, _, error) = CliRunner.Run("simulate", "--impressions", "10", "--policies", "ts,greedy", "--no-progress");

        Assert.Equal(1, exitCode);
        Assert.Contains("Unknown policy 'greedy'; known: ts, ts-segmented, linear, uniform, fixed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_rejects_an_unknown_scenario_at_parse_time()
    {
        var (exitCode, _, error) = CliRunner.Run("simulate", "--scenario", "tropical");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("tropical", error, StringComparison.Ordinal);
    }
}
