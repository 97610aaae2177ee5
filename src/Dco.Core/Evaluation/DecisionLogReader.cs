using System.Text;
using System.Text.Json;

namespace Dco.Core.Evaluation;

/// <summary>
/// Reads our own decision log (JSON lines of <see cref="DecisionLogRecord"/>) into a
/// <see cref="BanditLog"/>: the action is the whole combination (asset ids joined by '|', the
/// engine's combination key), the context key the sorted feature list, and the reward the chosen
/// <see cref="RewardMetric"/>. Decisions that served the default creative are skipped: no policy
/// chose them.
/// </summary>
public static class DecisionLogReader
{
    public static BanditLog Read(TextReader reader, string source, RewardMetric reward = RewardMetric.Click)
    {
        var samples = new List<LoggedSample>();
        var contexts = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var skipped = 0;
        DateTimeOffset? latest = null;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            DecisionLogRecord? record;
            try
            {
                record = JsonSerializer.Deserialize(line, EvaluationJsonContext.Default.DecisionLogRecord);
            }
            catch (JsonException e)
            {
                throw new FormatException($"{source}:{lineNumber}: not a decision record: {e.Message}", e);
            }

            if (record is null)
            {
                throw new FormatException($"{source}:{lineNumber}: the line is JSON null, not a decision record.");
            }

            if (record.IsDefault)
            {
                skipped++;
                continue;
            }

            var sample = ToSample(record, reward, source, lineNumber);
            contexts.TryAdd(sample.ContextKey, record.Context);
            latest = latest is null || record.DecidedAt > latest ? record.DecidedAt : latest;
            samples.Add(sample);
        }

        if (samples.Count == 0)
        {
            throw new FormatException(skipped > 0
                ? $"{source}: all {skipped} decisions served the default creative; there is nothing a policy chose to evaluate."
                : $"{source}: no decision records.");
        }

        return new BanditLog(source, samples) { SkippedDefaults = skipped, ContextFeatures = contexts, LatestDecisionAt = latest };
    }

    /// <summary>Action key of a combination: asset ids in slot order joined by '|' (the engine's <c>Decision.CombinationKey</c>).</summary>
    public static string ActionKey(IReadOnlyList<string> assetIds) => string.Join('|', assetIds);

    /// <summary>Canonical context key of a feature map: <c>name=value</c> pairs in ordinal name order, joined by ';'.</summary>
    public static string ContextKey(IReadOnlyDictionary<string, string> context)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in context.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (builder.Length > 0)
            {
                builder.Append(';');
            }

            builder.Append(key).Append('=').Append(value);
        }

        return builder.ToString();
    }

    private static LoggedSample ToSample(DecisionLogRecord record, RewardMetric reward, string source, int line)
    {
        var where = $"{source}:{line} (decision '{record.DecisionId}')";
        if (record.AssetIds.Count == 0)
        {
            throw new FormatException($"{where}: no asset is recorded for any slot.");
        }

        foreach (var (name, feature) in record.Context)
        {
            if (name.Length == 0 || name.Contains(';', StringComparison.Ordinal) || name.Contains('=', StringComparison.Ordinal) || feature.Contains(';', StringComparison.Ordinal))
            {
                throw new FormatException($"{where}: context feature '{name}' = '{feature}': names may not be empty or contain ';' or '=', values may not contain ';'.");
            }
        }

        if (record.AssetIds.Any(a => a.Contains('|', StringComparison.Ordinal)))
        {
            throw new FormatException($"{where}: an asset id contains '|', which separates assets in a combination key.");
        }

        if (record.Slots.Count != record.AssetIds.Count)
        {
            throw new FormatException($"{where}: {record.AssetIds.Count} asset ids for {record.Slots.Count} slots.");
        }

        if (!(record.Propensity > 0 && record.Propensity <= 1))
        {
            throw new FormatException($"{where}: propensity {record.Propensity} is not in (0, 1]; such a decision cannot be evaluated off-policy.");
        }

        if (record.Outcome is null)
        {
            throw new FormatException(
                $"{where}: no outcome is joined in. Join outcomes first (an impression without a click carries clicked=false); "
                + "records whose attribution window is still open do not belong in an evaluation log.");
        }

        var value = reward switch
        {
            RewardMetric.Click => record.Outcome.Clicked ? 1.0 : 0.0,
            RewardMetric.Conversion => record.Outcome.Converted ? 1.0 : 0.0,
            RewardMetric.Value => record.Outcome.Value,
            _ => throw new ArgumentOutOfRangeException(nameof(reward), reward, "Unknown reward metric."),
        };

        if (!double.IsFinite(value))
        {
            throw new FormatException($"{where}: outcome value {value} is not finite.");
        }

        return new LoggedSample(
            ContextKey(record.Context), ActionKey(record.AssetIds), value, record.Propensity,
            record.PropensityStandardError > 0 ? record.PropensityStandardError : null);
    }
}
