namespace Dco.Core.Decisioning;

public enum FeedbackKind
{
    Impression,
    Click,
    Conversion,
}

/// <summary>
/// An impression, click or conversion joined to its decision by <see cref="DecisionId"/>. Events may
/// arrive late, out of order and more than once: learning is idempotent per <see cref="EventId"/>.
/// </summary>
/// <param name="Value">Conversion value (ignored for impressions and clicks).</param>
public readonly record struct FeedbackEvent(string EventId, string DecisionId, FeedbackKind Kind, DateTimeOffset OccurredAt, double Value = 0);

public enum FeedbackOutcome
{
    Applied,

    /// <summary>This event id was already applied.</summary>
    Duplicate,

    /// <summary>Older than the deduplication window: it may be a duplicate already forgotten, so it is refused.</summary>
    TooOld,

    /// <summary>The decision served the default creative, which the policy did not choose: nothing to learn.</summary>
    NotLearnable,
}

/// <summary>Learns from feedback and publishes immutable models for new snapshots.</summary>
public interface IFeedbackLearner
{
    /// <param name="decision">The stored record of the decision the event refers to.</param>
    FeedbackOutcome Apply(DecisionRecord decision, FeedbackEvent feedback);

    /// <summary>Builds an immutable model of the evidence so far, discounted to <paramref name="now"/> (Monte Carlo seeded by <paramref name="seed"/>).</summary>
    PolicyModel BuildModel(DateTimeOffset now, ulong seed);
}

/// <summary>Chooses creatives for one campaign; a <see cref="CampaignSnapshot"/> is one.</summary>
public interface ICreativeDecider
{
    string PolicyName { get; }

    string PolicyVersion { get; }

    /// <summary>Slot names in decision order (the order of <see cref="Decision.AssetIds"/>).</summary>
    IReadOnlyList<string> SlotNames { get; }

    Decision Decide(DecisionRequest request, DecisionRandom random);

    /// <summary>
    /// Exact probability that <see cref="Decide"/> returns these assets (slot order) for this request, for
    /// off-policy evaluation. For requests served the default creative: 1 for the default assets, else 0.
    /// </summary>
    double ProbabilityOf(DecisionRequest request, IReadOnlyList<string> assetIds);
}
