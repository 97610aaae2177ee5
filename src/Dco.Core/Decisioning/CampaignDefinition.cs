using System.Text.Json.Serialization;

namespace Dco.Core.Decisioning;

/// <summary>
/// A campaign as configured by a campaign manager: the creative template (slots and their candidate
/// assets), flight and dayparting, rules, frequency caps, constraints between slots, the default
/// creative and the policy. Compiled once per snapshot by <see cref="CampaignSnapshot.Create"/>.
/// </summary>
public sealed record CampaignDefinition
{
    public required string Id { get; init; }

    /// <summary>Configuration version; part of every decision's policy version.</summary>
    public string Version { get; init; } = "1";

    /// <summary>Slots in the order the policy fills them (later slots may be conditioned on earlier ones).</summary>
    public required IReadOnlyList<SlotDefinition> Slots { get; init; }

    /// <summary>Asset id per slot name served when nothing else may be (consent none, out of flight, no eligible combination).</summary>
    public required IReadOnlyDictionary<string, string> DefaultCreative { get; init; }

    public FlightSchedule? Schedule { get; init; }

    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];

    public IReadOnlyList<FrequencyCapDefinition> FrequencyCaps { get; init; } = [];

    public IReadOnlyList<CompatibilityConstraint> Constraints { get; init; } = [];

    public PolicySettings Policy { get; init; } = new();
}

/// <summary>A named slot of the creative template (headline, image, cta, …) and its candidate assets.</summary>
public sealed record SlotDefinition
{
    public required string Name { get; init; }

    public required IReadOnlyList<AssetDefinition> Assets { get; init; }
}

/// <summary>One candidate asset. Ids are unique within a campaign.</summary>
public sealed record AssetDefinition
{
    public required string Id { get; init; }

    /// <summary>text, image, html5, video, …</summary>
    public string Kind { get; init; } = "text";

    /// <summary>The copy itself for text assets, or the asset's URI.</summary>
    public string? Content { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Free attributes: sku, destinationUrl, claims, … Rules can key signals by them (<c>{asset.sku}</c>).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}

/// <summary>Flight dates (instants) and dayparting (in the viewer's local time).</summary>
public sealed record FlightSchedule
{
    public DateTimeOffset? Start { get; init; }

    /// <summary>Exclusive end of the flight.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>If any, the campaign serves only inside one of these windows (viewer's local time).</summary>
    public IReadOnlyList<DaypartWindow> Dayparts { get; init; } = [];
}

/// <summary>A local-time window [From, To) on the given days; From &gt; To wraps past midnight (the day is the start day).</summary>
public sealed record DaypartWindow
{
    /// <summary>Days of week; empty means every day.</summary>
    public IReadOnlyList<DayOfWeek> Days { get; init; } = [];

    public TimeOnly From { get; init; }

    public TimeOnly To { get; init; }
}

/// <summary>Which assets a rule, cap or constraint is about. All given criteria must hold; within a list any entry matches.</summary>
public sealed record AssetSelector
{
    public string? Slot { get; init; }

    public IReadOnlyList<string>? AssetIds { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Attribute name → required value.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}

public enum RuleActionKind
{
    /// <summary>Targeted assets are eligible only when an include rule targeting them fires.</summary>
    Include,

    /// <summary>Targeted assets are not eligible while the rule fires.</summary>
    Exclude,

    /// <summary>Targeted assets' policy weight is multiplied by <see cref="RuleDefinition.BoostFactor"/>.</summary>
    Boost,

    /// <summary>The slot is restricted to the targeted assets (if any of them is eligible).</summary>
    Pin,
}

/// <summary>When <see cref="When"/> holds, apply <see cref="Action"/> to the assets chosen by <see cref="Target"/>.</summary>
public sealed record RuleDefinition
{
    public required string Id { get; init; }

    /// <summary>Higher runs first and wins conflicts between include and exclude on the same asset.</summary>
    public int Priority { get; init; }

    public string? Description { get; init; }

    /// <summary>Condition; null means always.</summary>
    public Condition? When { get; init; }

    public required RuleActionKind Action { get; init; }

    public required AssetSelector Target { get; init; }

    /// <summary>Weight multiplier for <see cref="RuleActionKind.Boost"/> (&gt; 0; below 1 demotes).</summary>
    public double BoostFactor { get; init; } = 2.0;
}

public enum CapScope
{
    /// <summary>Impressions of one asset to one viewer.</summary>
    Asset,

    /// <summary>Impressions of one full combination to one viewer.</summary>
    Combination,

    /// <summary>Impressions of the campaign to one viewer.</summary>
    Campaign,
}

/// <summary>At most <see cref="MaxImpressions"/> impressions per viewer within <see cref="Window"/>.</summary>
public sealed record FrequencyCapDefinition
{
    public required CapScope Scope { get; init; }

    public required int MaxImpressions { get; init; }

    public required TimeSpan Window { get; init; }

    /// <summary>For <see cref="CapScope.Asset"/>: which assets it applies to (null: all).</summary>
    public AssetSelector? Assets { get; init; }
}

public enum ConstraintKind
{
    /// <summary>No asset of <c>First</c> may be shown with an asset of <c>Second</c>.</summary>
    NeverTogether,

    /// <summary>When an asset of <c>First</c> is shown, the other slot must show an asset of <c>Second</c>.</summary>
    Requires,
}

/// <summary>A constraint between assets of two different slots.</summary>
public sealed record CompatibilityConstraint
{
    public required string Id { get; init; }

    public required ConstraintKind Kind { get; init; }

    public required AssetSelector First { get; init; }

    public required AssetSelector Second { get; init; }
}

public enum PolicyKind
{
    /// <summary>Factorized Thompson sampling over per-(asset, segment) posteriors with pairwise interactions.</summary>
    FactorizedThompson,

    /// <summary>LinUCB per asset over hashed context and segment features, with an ε floor.</summary>
    ContextualLinear,

    /// <summary>Uniform among feasible combinations: the A/B baseline.</summary>
    UniformRandom,

    /// <summary>Always <see cref="PolicySettings.FixedCreative"/> where feasible: the static baseline.</summary>
    FixedCreative,
}

public enum RewardKind
{
    /// <summary>Beta–Bernoulli on clicks per impression.</summary>
    Click,

    /// <summary>Beta–Bernoulli on conversions per impression.</summary>
    Conversion,

    /// <summary>Gaussian on conversion value per impression.</summary>
    ConversionValue,
}

/// <summary>A pair of slots whose assets interact (modelled jointly; the later slot is conditioned on the earlier).</summary>
public sealed record SlotPair
{
    public required string First { get; init; }

    public required string Second { get; init; }
}

/// <summary>A numeric signal turned into bucket features for the contextual policy, e.g. precipitation at the viewer's geo.</summary>
public sealed record SignalFeature
{
    /// <summary>Signal reference, e.g. <c>weather.precipitation@{geo}</c> (see <see cref="CompareCondition.Feature"/>).</summary>
    public required string Signal { get; init; }

    /// <summary>Ascending thresholds; the feature is the index of the bucket the value falls in.</summary>
    public required IReadOnlyList<double> Thresholds { get; init; }
}

public sealed record PolicySettings
{
    public PolicyKind Kind { get; init; } = PolicyKind.FactorizedThompson;

    /// <summary>Probability mass spread uniformly over feasible assets at every slot (0 ≤ ε ≤ 1).</summary>
    public double ExplorationFloor { get; init; } = 0.05;

    public RewardKind Reward { get; init; } = RewardKind.Click;

    /// <summary>Segments the factorized model keeps posteriors for, in precedence order (a viewer uses the first one they belong to).</summary>
    public IReadOnlyList<string> Segments { get; init; } = [];

    public IReadOnlyList<SlotPair> Interactions { get; init; } = [];

    /// <summary>Pseudo-observations pulling a segment's posterior towards the all-viewers posterior.</summary>
    public double PriorStrength { get; init; } = 10;

    /// <summary>Monte Carlo draws per probability-of-best vector at model refresh (standard error ≤ 0.5/√draws).</summary>
    public int ProbabilityDraws { get; init; } = 1000;

    /// <summary>Half-life of evidence (exponential discounting); null keeps all evidence.</summary>
    public TimeSpan? HalfLife { get; init; }

    /// <summary>Hashed feature dimensions of the contextual policy.</summary>
    public int FeatureDimensions { get; init; } = 64;

    /// <summary>LinUCB's confidence width α.</summary>
    public double UcbAlpha { get; init; } = 1.0;

    /// <summary>Ridge regularisation λ of the contextual policy.</summary>
    public double Ridge { get; init; } = 1.0;

    public IReadOnlyList<SignalFeature> SignalFeatures { get; init; } = [];

    /// <summary>Asset id per slot for <see cref="PolicyKind.FixedCreative"/>; defaults to the default creative.</summary>
    public IReadOnlyDictionary<string, string>? FixedCreative { get; init; }

    /// <summary>Event ids remembered for idempotency (bounded; older ids are forgotten first).</summary>
    public int DeduplicationCapacity { get; init; } = 1_000_000;

    /// <summary>Events older than this relative to the newest seen are refused (they could be duplicates already forgotten).</summary>
    public TimeSpan DeduplicationWindow { get; init; } = TimeSpan.FromDays(7);
}
