using System.CommandLine;
using System.Text.Json;
using Dco.Core.Evaluation;
using Dco.Core.Simulation;

namespace Dco.Cli;

/// <summary>Arguments of <c>dco-cli simulate</c>.</summary>
public sealed record SimulateArguments
{
    public string Scenario { get; init; } = Scenarios.StandardName;

    public int Impressions { get; init; } = 200_000;

    public IReadOnlyList<string> Policies { get; init; } = SimulationPolicies.Names;

    public int Seed { get; init; }

    /// <summary>Where to write the cumulative-CTR chart (.svg); null for none.</summary>
    public string? ChartPath { get; init; }

    /// <summary>Where to write the first policy's decision log (JSON lines, with outcomes) for <c>dco-cli ope</c>; null for none.</summary>
    public string? DecisionLogPath { get; init; }

    /// <summary>Draw a progress bar on the error stream.</summary>
    public bool Progress { get; init; } = true;
}

/// <summary><c>dco-cli simulate</c>: runs policies on a scenario with known truth and prints CTR, conversions and regret as JSON.</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario") { Description = $"Scenario: {string.Join(", ", Scenarios.Names)}.", DefaultValueFactory = _ => Scenarios.StandardName };
        scenario.AcceptOnlyFromAmong([.. Scenarios.Names]);
        var impressions = new Option<int>("--impressions") { Description = "Impressions per policy.", DefaultValueFactory = _ => 200_000 };
        var policies = new Option<string>("--policies") { Description = $"Comma-separated policies: {string.Join(", ", SimulationPolicies.AllNames)}.", DefaultValueFactory = _ => string.Join(',', SimulationPolicies.Names) };
        var seed = new Option<int>("--seed") { Description = "Seed of the traffic and of every policy." };
        var chart = new Option<string?>("--chart") { Description = "Write the cumulative-CTR chart to this .svg file." };
        var decisionLog = new Option<string?>("--decision-log") { Description = "Write the first policy's decisions with their outcomes to this JSON-lines file (input for dco-cli ope)." };
        var quiet = new Option<bool>("--no-progress") { Description = "Do not draw the progress bar." };

        var command = new Command("simulate", "Runs policies side by side on a simulated campaign with known ground truth; reports CTR, conversion rate and regret against the oracle.")
        {
            scenario, impressions, policies, seed, chart, decisionLog, quiet,
        };
        command.SetAction(parse => Run(
            new SimulateArguments
            {
                Scenario = parse.GetValue(scenario)!,
                Impressions = parse.GetValue(impressions),
                Policies = [.. parse.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                Seed = parse.GetValue(seed),
                ChartPath = parse.GetValue(chart),
                DecisionLogPath = parse.GetValue(decisionLog),
                Progress = !parse.GetValue(quiet),
            },
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(SimulateArguments arguments, TextWriter output, TextWriter error)
    {
        try
        {
            if (arguments.Impressions < 1)
            {
                throw new ArgumentException($"--impressions {arguments.Impressions}: at least one impression.");
            }

            if (arguments.Policies.Count == 0)
            {
                throw new ArgumentException("--policies: name at least one policy.");
            }

            if (arguments.ChartPath is not null && !arguments.ChartPath.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"--chart '{arguments.ChartPath}': the chart is written as SVG; give a path ending in .svg.");
            }

            var world = new SimulatedWorld(Scenarios.ByName(arguments.Scenario));
            var policies = arguments.Policies
                .Select((name, i) => SimulationPolicies.Create(name, world, arguments.Seed + 1 + i, keepDecisionLog: i == 0 && arguments.DecisionLogPath is not null))
                .ToList();
            SimulationReport report;
            using (var bar = arguments.Progress ? new ConsoleProgressBar(error, $"{arguments.Scenario}: {string.Join(", ", arguments.Policies)}") : null)
            {
                report = new Simulator(world).Run(policies, new SimulationOptions { Impressions = arguments.Impressions, Seed = arguments.Seed }, bar);
            }

            if (arguments.ChartPath is not null)
            {
                File.WriteAllText(arguments.ChartPath, CumulativeCtrChart.ToSvg(report));
            }

            if (arguments.DecisionLogPath is not null)
            {
                using var writer = new StreamWriter(arguments.DecisionLogPath);
                foreach (var record in policies[0].DecisionLog)
                {
                    writer.WriteLine(JsonSerializer.Serialize(record, EvaluationJsonContext.Default.DecisionLogRecord));
                }
            }

            output.WriteLine(JsonSerializer.Serialize(report, CliJson.IndentedSimulation.SimulationReport));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"dco-cli simulate: {e.Message}");
            return 1;
        }
    }
}
