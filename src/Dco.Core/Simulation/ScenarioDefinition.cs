namespace Dco.Core.Simulation;

/// <summary>
/// A ground-truth world written down as data: who arrives, what the weather does, which assets
/// exist per slot and how each of them moves the click-through rate on the logit scale.
/// <see cref="SimulatedWorld"/> compiles it into exact probability tables.
/// </summary>
public sealed record ScenarioDefinition
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Audience segments with their share of traffic and their own logit offset.</summary>
    public required IReadOnlyList<Level> Segments { get; init; }

    /// <summary>Weather states with their long-run share of impressions.</summary>
    public required IReadOnlyList<Level> Weathers { get; init; }

    /// <summary>Mean length of a weather spell in impressions; the state is redrawn with probability 1/this per impression.</summary>
    public required double MeanWeatherSpellImpressions { get; init; }

    public required IReadOnlyList<ScenarioSlot> Slots { get; init; }

    /// <summary>The creative the team would ship without optimisation: asset per slot (the "fixed" baseline and the default creative).</summary>
    public required IReadOnlyDictionary<string, string> DefaultCreative { get; init; }

    /// <summary>Click probability of a creative whose every effect is zero.</summary>
    public required double BaseClickRate { get; init; }

    /// <summary>Logit effects on the click: main effects, segment × asset and weather × asset interactions.</summary>
    public required IReadOnlyList<AssetEffect> ClickEffects { get; init; }

    /// <summary>Logit effects of asset pairs in different slots (headline × image and the like).</summary>
    public IReadOnlyList<PairEffect> PairEffects { get; init; } = [];

    /// <summary>Brand rules: asset pairs that must never be shown together.</summary>
    public IReadOnlyList<PairEffect> Exclusions { get; init; } = [];

    /// <summary>When tastes change, as a fraction of the run's impressions.</summary>
    public double ShiftAtFraction { get; init; } = 0.5;

    /// <summary>Logit effects added to <see cref="ClickEffects"/> from the shift on.</summary>
    public IReadOnlyList<AssetEffect> ShiftEffects { get; init; } = [];

    /// <summary>Probability that a click converts when every conversion effect is zero.</summary>
    public required double BaseConversionRate { get; init; }

    public IReadOnlyList<AssetEffect> ConversionEffects { get; init; } = [];

    /// <summary>Mean delay between a click and its conversion, in impressions (geometric).</summary>
    public required double MeanConversionDelayImpressions { get; init; }
}

/// <summary>A named level of a categorical variable with its share of traffic and a logit offset.</summary>
public sealed record Level(string Name, double Share, double Logit = 0);

public sealed record ScenarioSlot(string Name, IReadOnlyList<string> Assets);

/// <summary>A logit effect of one asset, optionally only for one segment and/or one weather.</summary>
public sealed record AssetEffect(string Slot, string Asset, double Logit, string? Segment = null, string? Weather = null);

/// <summary>A logit effect (or, as an exclusion, a ban) of two assets shown together.</summary>
public sealed record PairEffect(string SlotA, string AssetA, string SlotB, string AssetB, double Logit = 0);
