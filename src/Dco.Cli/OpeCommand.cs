using System.CommandLine;
using System.Text.Json;
using Dco.Core.Decisioning;
using Dco.Core.Evaluation;

namespace Dco.Cli;

/// <summary>Arguments of <c>dco-cli ope</c>.</summary>
public sealed record OpeArguments
{
    public required string LogPath { get; init; }

    /// <summary><c>obd</c> or <c>dco</c>; null infers it from the extension (.csv → obd, .jsonl/.json → dco).</summary>
    public string? Format { get; init; }

    /// <summary><c>uniform</c>, <c>fixed:&lt;action&gt;</c>, or the path of a JSON file: a tabular policy snapshot or an engine campaign definition.</summary>
    public required string Policy { get; init; }

    /// <summary>For an engine campaign: the learner state (<c>LearnerStateDocument</c> JSON) whose model the policy decides with; null for the prior.</summary>
    public string? LearnerStatePath { get; init; }

    /// <summary>For an engine campaign: request time when the log's context has no <c>time</c>; null for the log's latest decision.</summary>
    public DateTimeOffset? Time { get; init; }

    public int Seed { get; init; }

    public RewardMetric Reward { get; init; } = RewardMetric.Click;

    public ConfidenceIntervalMethod Interval { get; init; } = ConfidenceIntervalMethod.Normal;

    public double ConfidenceLevel { get; init; } = 0.95;

    public int BootstrapResamples { get; init; } = 1000;
}

/// <summary><c>dco-cli ope</c>: estimates a target policy's value from a log and prints the estimates as JSON.</summary>
public static class OpeCommand
{
    public const string ObdFormat = "obd";
    public const string DcoFormat = "dco";

    public static Command Create()
    {
        var log = new Option<string>("--log") { Description = "Log file: Open Bandit Dataset CSV or DCO decision log (JSON lines).", Required = true };
        var format = new Option<string?>("--format") { Description = "obd or dco (default: from the extension, .csv → obd, .jsonl → dco)." };
        format.AcceptOnlyFromAmong(ObdFormat, DcoFormat);
        var policy = new Option<string>("--policy") { Description = "uniform, fixed:<action>, a tabular policy snapshot JSON file or an engine campaign definition JSON file.", Required = true };
        var learnerState = new Option<string?>("--learner-state") { Description = "With an engine campaign: learner state JSON whose model to evaluate (default: the prior)." };
        var time = new Option<DateTimeOffset?>("--time") { Description = "With an engine campaign: request time when the log's context has no 'time' (default: the latest decision in the log)." };
        var seed = new Option<int>("--seed") { Description = "Seed for the bootstrap and the cross-fitting folds." };
        var reward = new Option<RewardMetric>("--reward") { Description = "Reward of a DCO log: Click, Conversion or Value.", DefaultValueFactory = _ => RewardMetric.Click };
        var interval = new Option<ConfidenceIntervalMethod>("--ci") { Description = "Confidence intervals: Normal (± z·SE) or Bootstrap (percentile, seeded).", DefaultValueFactory = _ => ConfidenceIntervalMethod.Normal };
        var level = new Option<double>("--confidence") { Description = "Confidence level of the intervals.", DefaultValueFactory = _ => 0.95 };
        var resamples = new Option<int>("--bootstrap-resamples") { Description = "Bootstrap resamples.", DefaultValueFactory = _ => 1000 };

        var command = new Command("ope", "Off-policy evaluation: IPS, SNIPS, direct method and doubly robust estimates of a policy's value from a log.")
        {
            log, format, policy, learnerState, time, seed, reward, interval, level, resamples,
        };
        command.SetAction(parse => Run(
            new OpeArguments
            {
                LogPath = parse.GetValue(log)!,
                Format = parse.GetValue(format),
                Policy = parse.GetValue(policy)!,
                LearnerStatePath = parse.GetValue(learnerState),
                Time = parse.GetValue(time),
                Seed = parse.GetValue(seed),
                Reward = parse.GetValue(reward),
                Interval = parse.GetValue(interval),
                ConfidenceLevel = parse.GetValue(level),
                BootstrapResamples = parse.GetValue(resamples),
            },
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Runs the evaluation; 0 on success, 1 with a message on <paramref name="error"/> for bad input.</summary>
    public static int Run(OpeArguments arguments, TextWriter output, TextWriter error)
    {
        try
        {
            var report = Evaluate(arguments);
            output.WriteLine(JsonSerializer.Serialize(report, CliJson.Indented.OffPolicyReport));
            return 0;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IOException or JsonException or UnauthorizedAccessException or CampaignDefinitionException)
        {
            error.WriteLine($"dco-cli ope: {e.Message}");
            return 1;
        }
    }

    public static OffPolicyReport Evaluate(OpeArguments arguments)
    {
        if (!File.Exists(arguments.LogPath))
        {
            throw new FileNotFoundException($"--log: no file at '{arguments.LogPath}'.", arguments.LogPath);
        }

        var format = arguments.Format ?? InferFormat(arguments.LogPath);
        if (format == ObdFormat && arguments.Reward != RewardMetric.Click)
        {
            throw new ArgumentException($"--reward {arguments.Reward}: Open Bandit Dataset logs carry clicks only.");
        }

        var source = Path.GetFileName(arguments.LogPath);
        BanditLog log;
        using (var reader = new StreamReader(arguments.LogPath))
        {
            log = format == ObdFormat
                ? OpenBanditDatasetReader.Read(reader, source)
                : DecisionLogReader.Read(reader, source, arguments.Reward);
        }

        var policy = ParsePolicy(arguments, log);
        var options = new OffPolicyOptions
        {
            Seed = arguments.Seed,
            IntervalMethod = arguments.Interval,
            ConfidenceLevel = arguments.ConfidenceLevel,
            BootstrapResamples = arguments.BootstrapResamples,
        };
        var evaluator = new OffPolicyEvaluator(options);
        var estimates = evaluator.EvaluateAll(log, policy);
        return new OffPolicyReport
        {
            Log = arguments.LogPath,
            Format = format,
            Policy = policy.Name,
            Reward = arguments.Reward.ToString(),
            N = log.Count,
            Actions = log.Actions.Count,
            SkippedDefaultDecisions = log.SkippedDefaults,
            LoggedMeanReward = log.Samples.Average(s => s.Reward),
            Estimates = estimates,
            Notes = new Dictionary<string, string>
            {
                ["value"] = "expected reward per round of the target policy",
                ["ci"] = arguments.Interval == ConfidenceIntervalMethod.Normal
                    ? "normal approximation: value ± z·standardError (delta method for snips)"
                    : $"percentile bootstrap over rows, {options.BootstrapResamples} resamples, seed {options.Seed}; reward model not refitted per resample",
                ["context"] = format == ObdFormat ? "position (1..3); actions are the 34 items" : "sorted context features; actions are whole slot combinations",
                ["rewardModel"] = $"mean reward per (context, action), shrunk to the action mean and then the global mean with {options.RewardModelPriorStrength} pseudo-observations",
                ["dr"] = $"reward model cross-fitted over {options.CrossFitFolds} folds (seed {options.Seed})",
                ["effectiveSampleSize"] = "(Σw)²/Σw² of the importance weights; n for dm",
                ["standardErrorDm"] = "dm's standard error ignores the reward model's own uncertainty",
            },
        };
    }

    internal static string InferFormat(string path) =>
        Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".CSV" => ObdFormat,
            ".JSONL" or ".JSON" or ".NDJSON" => DcoFormat,
            var other => throw new ArgumentException(
                $"--format: cannot tell the format of '{Path.GetFileName(path)}' from its extension '{other}'; pass --format obd or --format dco."),
        };

    internal static ITargetPolicy ParsePolicy(OpeArguments arguments, BanditLog log)
    {
        var policy = arguments.Policy;
        if (policy == "uniform")
        {
            return new UniformTargetPolicy();
        }

        if (policy.StartsWith("fixed:", StringComparison.Ordinal))
        {
            var action = policy["fixed:".Length..];
            return action.Length > 0
                ? new FixedActionTargetPolicy(action)
                : throw new ArgumentException("--policy fixed:<action> needs an action, e.g. fixed:12.");
        }

        if (!File.Exists(policy))
        {
            throw new ArgumentException($"--policy '{policy}' is neither 'uniform', 'fixed:<action>' nor an existing policy file.");
        }

        var json = File.ReadAllText(policy);
        using (var document = JsonDocument.Parse(json))
        {
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("slots", out _))
            {
                return EnginePolicy(arguments, json, log);
            }
        }

        if (arguments.LearnerStatePath is not null)
        {
            throw new ArgumentException("--learner-state applies to an engine campaign definition, not to a tabular policy snapshot.");
        }

        var snapshot = JsonSerializer.Deserialize(json, EvaluationJsonContext.Default.TabularPolicySnapshot)
            ?? throw new ArgumentException($"--policy '{policy}': the snapshot file holds JSON null.");
        return new TabularTargetPolicy(snapshot);
    }

    private static EngineTargetPolicy EnginePolicy(OpeArguments arguments, string json, BanditLog log)
    {
        var campaign = JsonSerializer.Deserialize(json, DecisioningJsonContext.Default.CampaignDefinition)
            ?? throw new ArgumentException($"--policy '{arguments.Policy}': the campaign file holds JSON null.");
        var time = arguments.Time ?? log.LatestDecisionAt ?? throw new ArgumentException("--time is needed: the log carries no decision times.");
        var seed = (ulong)arguments.Seed;
        PolicyModel? model = null;
        if (arguments.LearnerStatePath is not null)
        {
            var state = JsonSerializer.Deserialize(File.ReadAllText(arguments.LearnerStatePath), DecisioningJsonContext.Default.LearnerStateDocument)
                ?? throw new ArgumentException($"--learner-state '{arguments.LearnerStatePath}': the file holds JSON null.");
            model = CampaignLearner.Import(campaign, state).BuildModel(time, seed);
        }

        return new EngineTargetPolicy(CampaignSnapshot.Create(campaign, model, seed), log, time);
    }
}
