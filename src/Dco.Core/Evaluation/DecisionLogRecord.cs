using Dco.Core.Decisioning;

namespace Dco.Core.Evaluation;

/// <summary>
/// One line of our own decision log (JSON lines): what was decided, with which probability, in
/// which context, and what the viewer did afterwards. Field names follow the engine's
/// <see cref="DecisionRecord"/>; <see cref="From"/> builds one from it, so the serving path writes
/// exactly what off-policy evaluation reads.
/// </summary>
public sealed record DecisionLogRecord
{
    public required string DecisionId { get; init; }

    public required string CampaignId { get; init; }

    public string? CampaignVersion { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>Context features the policy saw (segment, weather, placement, device…), as strings.</summary>
    public required IReadOnlyDictionary<string, string> Context { get; init; }

    /// <summary>Slot names, in decision order.</summary>
    public required IReadOnlyList<string> Slots { get; init; }

    /// <summary>Chosen asset id per slot, in the order of <see cref="Slots"/>.</summary>
    public required IReadOnlyList<string> AssetIds { get; init; }

    /// <summary>Probability that the logging policy chose exactly these assets for this request, in (0, 1].</summary>
    public required double Propensity { get; init; }

    /// <summary>Standard error of <see cref="Propensity"/> when it was estimated; 0 when exact.</summary>
    public double PropensityStandardError { get; init; }

    public required string PolicyName { get; init; }

    public string? PolicyVersion { get; init; }

    /// <summary>The default creative was served (consent, flight, caps): the policy did not choose, so evaluation skips it.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Segment whose posteriors the factorized policy used, if any.</summary>
    public string? ModelSegment { get; init; }

    /// <summary>Rewards joined in after the fact; null while the attribution window is still open.</summary>
    public DecisionOutcome? Outcome { get; init; }

    /// <summary>The log line for an engine decision, with the context it was made in and, once known, its outcome.</summary>
    public static DecisionLogRecord From(
        DecisionRecord record, IReadOnlyList<string> slots, IReadOnlyDictionary<string, string> context, DecisionOutcome? outcome = null)
    {
        if (slots.Count != record.AssetIds.Count)
        {
            throw new ArgumentException(
                $"Decision {record.DecisionId} has {record.AssetIds.Count} assets but {slots.Count} slot names were given.", nameof(slots));
        }

        return new DecisionLogRecord
        {
            DecisionId = record.DecisionId,
            CampaignId = record.CampaignId,
            CampaignVersion = record.CampaignVersion,
            DecidedAt = record.DecidedAt,
            Context = context,
            Slots = slots,
            AssetIds = record.AssetIds,
            Propensity = record.Propensity,
            PropensityStandardError = record.PropensityStandardError,
            PolicyName = record.PolicyName,
            PolicyVersion = record.PolicyVersion,
            IsDefault = record.IsDefault,
            ModelSegment = record.ModelSegment,
            Outcome = outcome,
        };
    }
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
