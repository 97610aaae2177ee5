using System.Text;
using System.Text.Json;

namespace Dco.Core.Evaluation;

/// <summary>
/// Reads our own decision log (JSON lines of <see cref="DecisionLogRecord"/>) into a
/// <see cref="BanditLog"/>: the action is the whole slot=asset combination, the context key the
/// sorted feature list, and the reward the chosen <see cref="RewardMetric"/>.
/// </summary>
public static class DecisionLogReader
{
    public static BanditLog Read(TextReader reader, string source, RewardMetric reward = RewardMetric.Click)
    {
        var samples = new List<LoggedSample>();
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

            samples.Add(ToSample(record, reward, source, lineNumber));
        }

        if (samples.Count == 0)
        {
            throw new FormatException($"{source}: no decision records.");
        }

        return new BanditLog(source, samples);
    }

    /// <summary>Canonical action key of a slot → asset map: <c>slot=asset</c> pairs in ordinal slot order, joined by <c>;</c>.</summary>
    public static string ActionKey(IReadOnlyDictionary<string, string> actions) => CanonicalKey(actions);

    /// <summary>Canonical context key of a feature map, built like <see cref="ActionKey"/>.</summary>
    public static string ContextKey(IReadOnlyDictionary<string, string> context) => CanonicalKey(context);

    private static LoggedSample ToSample(DecisionLogRecord record, RewardMetric reward, string source, int line)
    {
        var where = $"{source}:{line} (decision '{record.DecisionId}')";
        if (record.Actions.Count == 0)
        {
            throw new FormatException($"{where}: no action is recorded for any slot.");
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
            ContextKey(record.Context), ActionKey(record.Actions), value, record.Propensity, record.PropensityStandardError);
    }

    private static string CanonicalKey(IReadOnlyDictionary<string, string> pairs)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (builder.Length > 0)
            {
                builder.Append(';');
            }

            builder.Append(key).Append('=').Append(value);
        }

        return builder.ToString();
    }
}
