using System.Text.Json;
using Dco.Core.Evaluation;

namespace Dco.Cli.Tests;

public sealed class OpeCommandTests
{
    [Fact]
    public void Ope_on_a_decision_log_prints_every_estimator_as_json()
    {
        using var log = new TempFile(".jsonl", DecisionLog());

        var (exitCode, output, error) = CliRunner.Run("ope", "--log", log.Path, "--policy", "fixed:h1|i1", "--seed", "3");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var estimates = json.RootElement.GetProperty("estimates").EnumerateArray().ToList();
        Assert.Equal(["ips", "snips", "dm", "dr"], estimates.Select(e => e.GetProperty("estimator").GetString()));
        Assert.Equal(8, json.RootElement.GetProperty("n").GetInt32());
        Assert.All(estimates, e => Assert.True(e.TryGetProperty("effectiveSampleSize", out _)));
        Assert.All(estimates, e => Assert.Equal("Normal", e.GetProperty("interval").GetProperty("method").GetString()));
    }

    [Fact]
    public void Ope_ips_of_a_fixed_policy_equals_the_hand_computed_value()
    {
        using var log = new TempFile(".jsonl", DecisionLog());

        var (_, output, _) = CliRunner.Run("ope", "--log", log.Path, "--format", "dco", "--policy", "fixed:h1|i1");

        // Rows showing h1/i1: 4 of 8 with propensity 0.25, 3 clicked → (3 / 0.25) / 8.
        using var json = JsonDocument.Parse(output);
        var ips = json.RootElement.GetProperty("estimates")[0];
        Assert.Equal(1.5, ips.GetProperty("value").GetDouble(), 12);
    }

    [Fact]
    public void Ope_with_bootstrap_intervals_says_so_in_the_output()
    {
        using var log = new TempFile(".jsonl", DecisionLog());

        var (_, output, _) = CliRunner.Run("ope", "--log", log.Path, "--policy", "uniform", "--ci", "Bootstrap", "--seed", "5");

        using var json = JsonDocument.Parse(output);
        Assert.All(
            json.RootElement.GetProperty("estimates").EnumerateArray(),
            e => Assert.Equal("Bootstrap", e.GetProperty("interval").GetProperty("method").GetString()));
        Assert.Contains("seed 5", json.RootElement.GetProperty("notes").GetProperty("ci").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ope_accepts_a_policy_snapshot_file()
    {
        using var log = new TempFile(".jsonl", DecisionLog());
        using var snapshot = new TempFile(".json", """{"name":"half","default":{"h1|i1":0.5,"h2|i1":0.5}}""");

        var (exitCode, output, error) = CliRunner.Run("ope", "--log", log.Path, "--policy", snapshot.Path);

        Assert.True(exitCode == 0, error);
        Assert.Contains("\"policy\": \"half\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Ope_with_a_policy_that_is_neither_a_keyword_nor_a_file_fails_with_a_clear_message()
    {
        using var log = new TempFile(".jsonl", DecisionLog());

        var (exitCode, output, error) = CliRunner.Run("ope", "--log", log.Path, "--policy", "greedy");

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("--policy 'greedy' is neither 'uniform', 'fixed:<action>' nor an existing policy file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ope_names_the_line_of_a_broken_log_record()
    {
        using var log = new TempFile(".jsonl", DecisionLog() + "{not json}\n");

        var (exitCode, _, error) = CliRunner.Run("ope", "--log", log.Path, "--policy", "uniform");

        Assert.Equal(1, exitCode);
        Assert.Contains(":9: not a decision record", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Ope_on_the_open_bandit_dataset_reports_the_closed_form_ips_of_the_uniform_policy()
    {
        var path = SharedObdFile("bts.csv");
        var lines = File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).ToList();
        var expected = lines.Sum(f => double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture) / double.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture)) / lines.Count / 34;

        var (exitCode, output, error) = CliRunner.Run("ope", "--log", path, "--format", "obd", "--policy", "uniform");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(expected, json.RootElement.GetProperty("estimates")[0].GetProperty("value").GetDouble(), 12);
    }

    private static string SharedObdFile(string name)
    {
        var shared = Environment.GetEnvironmentVariable("DCO_SHARED_DIR");
        if (string.IsNullOrEmpty(shared))
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DcoFunctions.sln")))
                {
                    shared = Path.Combine(dir.FullName, "..", "shared");
                    break;
                }
            }
        }

        var path = shared is null ? null : Path.Combine(shared, "data", "obd", "men", name);
        Skip.If(path is null || !File.Exists(path), $"Skipped: {name} is not in ../shared/data/obd/men (or $DCO_SHARED_DIR).");
        return path!;
    }

    /// <summary>8 decisions over 2 headlines × 1 image, logged uniformly over 4 combinations (propensity 0.25).</summary>
    private static string DecisionLog()
    {
        var rows = new (string Headline, bool Clicked)[]
        {
            ("h1", true), ("h1", false), ("h1", true), ("h1", true),
            ("h2", false), ("h2", true), ("h2", false), ("h2", false),
        };
        var lines = rows.Select((r, i) => JsonSerializer.Serialize(
            new DecisionLogRecord
            {
                DecisionId = $"d{i}",
                CampaignId = "c1",
                DecidedAt = new DateTimeOffset(2026, 11, 28, 12, i, 0, TimeSpan.Zero),
                Context = new Dictionary<string, string> { ["segment"] = i % 2 == 0 ? "family" : "student" },
                Slots = ["headline", "image"],
                AssetIds = [r.Headline, "i1"],
                Propensity = 0.25,
                PolicyName = "uniform",
                Outcome = new DecisionOutcome(r.Clicked, Converted: false, Value: 0),
            },
            EvaluationJsonContext.Default.DecisionLogRecord));
        return string.Join('\n', lines) + "\n";
    }
}
