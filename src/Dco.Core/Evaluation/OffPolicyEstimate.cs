namespace Dco.Core.Evaluation;

/// <summary>How a confidence interval was computed.</summary>
public enum ConfidenceIntervalMethod
{
    /// <summary>Estimate ± z·SE with the estimator's sample standard error (delta method for SNIPS).</summary>
    Normal,

    /// <summary>Percentile bootstrap over rows, seeded; the reward model is not refitted per resample.</summary>
    Bootstrap,
}

public sealed record ConfidenceInterval(double Lower, double Upper, double Level, ConfidenceIntervalMethod Method);

/// <summary>One estimator's answer.</summary>
/// <param name="Estimator">ips, snips, dm or dr.</param>
/// <param name="Value">Estimated expected reward per round of the target policy.</param>
/// <param name="StandardError">Sample standard error of <paramref name="Value"/>.</param>
/// <param name="Interval">Confidence interval.</param>
/// <param name="N">Rows used.</param>
/// <param name="EffectiveSampleSize">(Σw)²/Σw² of the importance weights; n for the direct method.</param>
public sealed record OffPolicyEstimate(
    string Estimator,
    double Value,
    double StandardError,
    ConfidenceInterval Interval,
    int N,
    double EffectiveSampleSize);

/// <summary>All estimators for one (log, target policy) pair, as the CLI prints it.</summary>
public sealed record OffPolicyReport
{
    public required string Log { get; init; }

    public required string Format { get; init; }

    public required string Policy { get; init; }

    public required string Reward { get; init; }

    public required int N { get; init; }

    public required int Actions { get; init; }

    /// <summary>Log lines left out because they served the default creative (no policy chose them).</summary>
    public int SkippedDefaultDecisions { get; init; }

    /// <summary>Mean observed reward of the logging policy (its on-policy value).</summary>
    public required double LoggedMeanReward { get; init; }

    public required IReadOnlyList<OffPolicyEstimate> Estimates { get; init; }

    /// <summary>Modelling choices a reader needs to interpret the numbers.</summary>
    public required IReadOnlyDictionary<string, string> Notes { get; init; }
}
