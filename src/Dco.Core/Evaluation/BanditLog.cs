namespace Dco.Core.Evaluation;

/// <summary>
/// A validated log of bandit feedback: the samples and the set of actions the log knows about
/// (the candidates a target policy may choose from).
/// </summary>
public sealed class BanditLog
{
    public BanditLog(string source, IReadOnlyList<LoggedSample> samples, IEnumerable<string>? candidateActions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (samples.Count == 0)
        {
            throw new ArgumentException($"The log '{source}' holds no samples.", nameof(samples));
        }

        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            if (!(s.Propensity > 0 && s.Propensity <= 1))
            {
                throw new ArgumentException(
                    $"Sample {i} of '{source}' has propensity {s.Propensity}; it must be in (0, 1].", nameof(samples));
            }

            if (!double.IsFinite(s.Reward))
            {
                throw new ArgumentException($"Sample {i} of '{source}' has a non-finite reward.", nameof(samples));
            }
        }

        Source = source;
        Samples = samples;
        var actions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var s in samples)
        {
            actions.Add(s.Action);
        }

        if (candidateActions is not null)
        {
            actions.UnionWith(candidateActions);
        }

        Actions = [.. actions];
    }

    /// <summary>Where the log came from (file name, test name), for reports.</summary>
    public string Source { get; }

    public IReadOnlyList<LoggedSample> Samples { get; }

    /// <summary>Every action the log knows, in ordinal order.</summary>
    public IReadOnlyList<string> Actions { get; }

    public int Count => Samples.Count;

    /// <summary>Log lines left out because no policy chose them (default creative served).</summary>
    public int SkippedDefaults { get; init; }

    /// <summary>Time of the latest decision, when the log format carries it.</summary>
    public DateTimeOffset? LatestDecisionAt { get; init; }

    /// <summary>The features behind each context key, when the log format carries them (our decision log does).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ContextFeatures { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();
}
