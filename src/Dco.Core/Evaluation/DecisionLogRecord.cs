namespace Dco.Core.Evaluation;

/// <summary>
/// One line of our own decision log (JSON lines): what was decided, with which probability, and
/// what the viewer did afterwards. The serving path writes exactly this record; off-policy
/// evaluation reads it back. Field names follow the engine's decision record.
/// </summary>
public sealed record DecisionLogRecord
{
    public required string DecisionId { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public string? CampaignId { get; init; }

    /// <summary>Context features the policy saw (segment, weather, device…), as strings.</summary>
    public required IReadOnlyDictionary<string, string> Context { get; init; }

    /// <summary>Chosen asset id per slot.</summary>
    public required IReadOnlyDictionary<string, string> Actions { get; init; }

    /// <summary>Probability that the logging policy picked this whole combination, in (0, 1].</summary>
    public required double Propensity { get; init; }

    /// <summary>Standard error of <see cref="Propensity"/> when it was estimated (e.g. by Monte Carlo); null when exact.</summary>
    public double? PropensityStandardError { get; init; }

    public required string PolicyName { get; init; }

    public string? PolicyVersion { get; init; }

    /// <summary>Rewards joined in after the fact; null while the attribution window is still open.</summary>
    public DecisionOutcome? Outcome { get; init; }
}

/// <summary>What happened after a decision: click, conversion and its value.</summary>
public sealed record DecisionOutcome(bool Clicked, bool Converted, double Value);

/// <summary>The reward that off-policy evaluation maximises.</summary>
public enum RewardMetric
{
    Click,
    Conversion,
    Value,
}
