using Dco.Core.Decisioning.Engine;

namespace Dco.Core.Decisioning;

/// <summary>Why the default creative was served.</summary>
public enum DefaultReason
{
    /// <summary>Not a default: the policy chose the creative.</summary>
    None,
    ConsentNone,
    BeforeFlight,
    AfterFlight,
    OutsideDaypart,
    CampaignFrequencyCap,
    NoEligibleAsset,
    NoEligibleCombination,
}

/// <summary>Whether a slot's choice was a uniform exploration draw or drawn from the policy's weights.</summary>
public enum ChoiceMode : byte
{
    Exploit,
    Explore,
}

/// <summary>
/// The persisted form of a decision: everything later feedback, learning and off-policy evaluation need
/// (the chosen asset per slot, the propensity, the model segment and the hashed context features).
/// </summary>
public sealed record DecisionRecord
{
    public required string DecisionId { get; init; }

    public required string CampaignId { get; init; }

    public required string CampaignVersion { get; init; }

    public required string PolicyName { get; init; }

    /// <summary>Campaign version and model version, e.g. <c>3.1289</c>.</summary>
    public required string PolicyVersion { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }

    public required ConsentLevel Consent { get; init; }

    public bool IsDefault { get; init; }

    public DefaultReason DefaultReason { get; init; }

    /// <summary>Chosen asset id per slot, in slot order (the default creative's assets when <see cref="IsDefault"/>).</summary>
    public required IReadOnlyList<string> AssetIds { get; init; }

    /// <summary>Probability that the policy chooses exactly these assets for this request (1 for the default creative).</summary>
    public double Propensity { get; init; }

    /// <summary>Standard error of <see cref="Propensity"/>; 0 when exact (always, for this engine's policies).</summary>
    public double PropensityStandardError { get; init; }

    /// <summary>Segment whose posteriors the factorized policy used (null: all viewers).</summary>
    public string? ModelSegment { get; init; }

    /// <summary>Hashed context feature indices (binary features) the contextual policy saw.</summary>
    public IReadOnlyList<int> Features { get; init; } = [];
}

/// <summary>
/// The engine's answer. Cheap to create on the hot path; <see cref="Explain"/> materialises the full
/// explanation from the compact trace and the (immutable) snapshot.
/// </summary>
public sealed class Decision
{
    private readonly CampaignSnapshot _snapshot;
    private readonly DecisionTrace _trace;
    private string? _combinationKey;
    private bool _combinationKeyPooled;

    internal Decision(CampaignSnapshot snapshot, DecisionRecord record, DecisionTrace trace)
    {
        _snapshot = snapshot;
        Record = record;
        _trace = trace;
    }

    public DecisionRecord Record { get; }

    public string DecisionId => Record.DecisionId;

    public bool IsDefault => Record.IsDefault;

    public DefaultReason DefaultReason => Record.DefaultReason;

    /// <summary>Chosen asset id per slot, in the snapshot's slot order.</summary>
    public IReadOnlyList<string> AssetIds => Record.AssetIds;

    public double Propensity => Record.Propensity;

    public string PolicyName => Record.PolicyName;

    public string PolicyVersion => Record.PolicyVersion;

    /// <summary>
    /// Key of the combination for per-combination frequency counters (asset ids joined by '|'): the pooled
    /// instance (<see cref="PooledKeys"/>), found by the chosen assets' indices for a combination the campaign has
    /// chosen before, and joined into a buffer and made a string only the first time.
    /// </summary>
    public string CombinationKey => _combinationKey ??= _snapshot.Compiled.CombinationKeys.For(Record.AssetIds, _trace.Slots, out _combinationKeyPooled);

    /// <summary>
    /// Whether <see cref="CombinationKey"/> and <see cref="AssetIds"/> are the instances <see cref="PooledKeys"/> holds
    /// (false only when the pool was full), so that the viewer's rows are found by reference alone.
    /// </summary>
    public bool KeysArePooled
    {
        get
        {
            _ = CombinationKey; // worked out (and whether it is pooled) on first use
            return _combinationKeyPooled && _snapshot.Compiled.AssetIdsPooled;
        }
    }

    /// <summary>The chosen assets (with content, tags, attributes) in slot order.</summary>
    public IReadOnlyList<AssetDefinition> Assets => _snapshot.ResolveAssetsFor(Record.AssetIds);

    /// <summary>Rules that fired, exclusions and reasons, per-slot scores and modes, propensity, policy name and version.</summary>
    public DecisionExplanation Explain() => _snapshot.Explain(Record, _trace);
}

/// <summary>Why one asset was not available.</summary>
public enum ExclusionReason
{
    ExcludedByRule,
    NotIncluded,
    NotPinned,
    AssetFrequencyCap,
    IncompatibleWithEarlierChoice,
    NoCompatibleCompletion,
}

public sealed record RuleFiring(string RuleId, RuleActionKind Action, int Priority, string? Description);

public sealed record AssetExclusion(string Slot, string AssetId, ExclusionReason Reason, string? RuleId);

public sealed record AssetScore(string AssetId, double Score, double Boost);

public sealed record SlotExplanation
{
    public required string Slot { get; init; }

    public required string ChosenAssetId { get; init; }

    public ChoiceMode Mode { get; init; }

    /// <summary>Probability of this slot's choice given the earlier slots' choices.</summary>
    public double StepProbability { get; init; }

    /// <summary>Number of assets that were feasible at this step.</summary>
    public int FeasibleCount { get; init; }

    /// <summary>Rule that pinned this slot, if any.</summary>
    public string? PinnedBy { get; init; }

    /// <summary>
    /// The policy's score of every eligible asset (probability of being best for Thompson sampling, upper
    /// confidence bound for the contextual policy, 1 for uniform) and its rule boost.
    /// </summary>
    public required IReadOnlyList<AssetScore> Scores { get; init; }
}

public sealed record DecisionExplanation
{
    public required string DecisionId { get; init; }

    public required string PolicyName { get; init; }

    public required string PolicyVersion { get; init; }

    public required double Propensity { get; init; }

    public double PropensityStandardError { get; init; }

    public bool IsDefault { get; init; }

    public DefaultReason DefaultReason { get; init; }

    public string? ModelSegment { get; init; }

    /// <summary>Rules whose condition held, highest priority first.</summary>
    public required IReadOnlyList<RuleFiring> FiredRules { get; init; }

    public required IReadOnlyList<AssetExclusion> Exclusions { get; init; }

    public required IReadOnlyList<SlotExplanation> Slots { get; init; }

    /// <summary>Exploration floor in force.</summary>
    public double ExplorationFloor { get; init; }
}
