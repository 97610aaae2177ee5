using System.Collections.Frozen;

namespace Dco.Core.Decisioning;

public enum ConsentLevel
{
    /// <summary>No personalization and no contextual targeting: the default creative is served.</summary>
    None,

    /// <summary>Context (placement, device, geo, time, page, live signals) only: segments and viewer features are ignored.</summary>
    ContextualOnly,

    /// <summary>Full personalization: segments and profile are used.</summary>
    Full,
}

/// <summary>One request to decide a creative. Build one per call; the engine never mutates it.</summary>
public sealed record DecisionRequest
{
    /// <summary>Id of the decision to make (the join key for later feedback events).</summary>
    public required string DecisionId { get; init; }

    /// <summary>Viewer's pseudonymous key (empty when unknown).</summary>
    public string ViewerKey { get; init; } = "";

    public required ConsentLevel Consent { get; init; }

    /// <summary>The request instant, expressed in the viewer's local offset (dayparting uses its local clock).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Profile segments (ignored unless consent is <see cref="ConsentLevel.Full"/>).</summary>
    public IReadOnlyList<string> Segments { get; init; } = [];

    public RequestContext Context { get; init; } = RequestContext.Empty;

    public LiveSignals Signals { get; init; } = LiveSignals.Empty;

    /// <summary>The viewer's recent impressions, for frequency caps.</summary>
    public ViewerFrequency Frequency { get; init; } = ViewerFrequency.Empty;
}

/// <summary>Contextual features of a request.</summary>
public sealed record RequestContext
{
    public static readonly RequestContext Empty = new();

    public string? Placement { get; init; }

    public string? Device { get; init; }

    /// <summary>Geo key, also the key for geo-keyed signals (<c>{geo}</c>).</summary>
    public string? Geo { get; init; }

    public string? PageCategory { get; init; }

    // One shared empty default: a dictionary made by the initializer would be made per request, also when one is set.
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = FrozenDictionary<string, string>.Empty;
}

/// <summary>One live signal value: weather per geo, stock per SKU, a promotion being live (1) or not (0).</summary>
public readonly record struct SignalValue(string Name, string Key, double Value);

/// <summary>
/// Immutable set of live signal values keyed by (name, key). Build it once per signal refresh and pass
/// the same instance to many requests: the engine caches what it derives from it per snapshot.
/// </summary>
public sealed class LiveSignals
{
    public static readonly LiveSignals Empty = new([]);

    private readonly Dictionary<string, Dictionary<string, double>> _byName;

    public LiveSignals(IEnumerable<SignalValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _byName = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value.Name) || value.Key is null)
            {
                throw new ArgumentException("A signal needs a name and a key.", nameof(values));
            }

            if (double.IsNaN(value.Value))
            {
                throw new ArgumentException($"Signal {value.Name}@{value.Key} has no value (NaN).", nameof(values));
            }

            if (!_byName.TryGetValue(value.Name, out var byKey))
            {
                byKey = new Dictionary<string, double>(StringComparer.Ordinal);
                _byName[value.Name] = byKey;
            }

            byKey[value.Key] = value.Value;
        }
    }

    public int Count => _byName.Values.Sum(d => d.Count);

    public bool TryGet(string name, string key, out double value)
    {
        if (_byName.TryGetValue(name, out var byKey) && byKey.TryGetValue(key, out value))
        {
            return true;
        }

        value = 0;
        return false;
    }
}

/// <summary>Recent impression times of one key (an asset id, or a combination key from <see cref="Decision.CombinationKey"/>).</summary>
/// <remarks>
/// How tests and copies describe a viewer's impressions of a key; a viewer's live state holds them as
/// rows of a <see cref="KeyedImpressions"/> instead, not as an object per key.
/// </remarks>
public class FrequencyEntry
{
    private readonly IReadOnlyList<DateTimeOffset>? impressions;

    public FrequencyEntry(string key, IReadOnlyList<DateTimeOffset> impressions)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(impressions);
        Key = key;
        this.impressions = impressions;
    }

    /// <summary>For <see cref="ImpressionTimes"/>, an entry that is its own list.</summary>
    private protected FrequencyEntry(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
    }

    public string Key { get; }

    public IReadOnlyList<DateTimeOffset> Impressions => impressions ?? (IReadOnlyList<DateTimeOffset>)this;
}

/// <summary>The viewer's recent impressions in this campaign; the engine counts those inside each cap's window.</summary>
public sealed record ViewerFrequency
{
    public static readonly ViewerFrequency Empty = new();

    public IReadOnlyList<DateTimeOffset> CampaignImpressions { get; init; } = [];

    /// <summary>Each asset's times, as rows: what the engine reads (a viewer's live state sets it directly).</summary>
    public KeyedImpressions AssetTimes { get; init; } = new();

    /// <summary>Each combination's times (keys from <see cref="Decision.CombinationKey"/>), as rows.</summary>
    public KeyedImpressions CombinationTimes { get; init; } = new();

    /// <summary><see cref="AssetTimes"/> as entries: setting it makes the rows, reading it copies them.</summary>
    public IReadOnlyList<FrequencyEntry> Assets
    {
        get => AssetTimes.ToEntries();
        init => AssetTimes = KeyedImpressions.From(value);
    }

    /// <summary><see cref="CombinationTimes"/> as entries: setting it makes the rows, reading it copies them.</summary>
    public IReadOnlyList<FrequencyEntry> Combinations
    {
        get => CombinationTimes.ToEntries();
        init => CombinationTimes = KeyedImpressions.From(value);
    }
}
