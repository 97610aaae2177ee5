using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Rendering;

namespace Dco.Infrastructure.Serving.Snapshots;

/// <summary>
/// Everything <c>decide</c> needs for one campaign, immutable and in memory: the compiled engine
/// snapshot (definition + model), the compiled HTML template and each asset's server-side facts.
/// </summary>
public sealed class ServingSnapshot
{
    public ServingSnapshot(CampaignDocument document, CampaignSnapshot engine, CreativeTemplate? template, long modelVersion)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(engine);
        Document = document;
        Engine = engine;
        Template = template;
        ModelVersion = modelVersion;
        Assets = document.Definition.Slots.SelectMany(s => s.Assets).ToDictionary(a => a.Id, StringComparer.Ordinal);
        served = document.Definition.Slots
            .SelectMany(s => s.Assets.Select(a => (Source: a, Served: ToServed(s.Name, a))))
            .ToFrozenDictionary(a => a.Source.Id, StringComparer.Ordinal);
        destinations = Assets.Values
            .Select(a => (a.Id, Url: DestinationOf(a)))
            .Where(a => a.Url is not null)
            .ToFrozenDictionary(a => a.Id, a => a.Url!, StringComparer.Ordinal);
    }

    // What decide shows of each asset, worked out once per snapshot rather than parsed from its attributes per request.
    private readonly FrozenDictionary<string, (AssetDefinition Source, ServedAsset Served)> served;

    // Every asset's click destination, for the decisions' views of theirs (ChosenDestinations).
    private readonly FrozenDictionary<string, string> destinations;

    public CampaignDocument Document { get; }

    public string CampaignId => Document.Id;

    public CampaignSnapshot Engine { get; }

    /// <summary>Null when the campaign has no template (the response then carries assets only).</summary>
    public CreativeTemplate? Template { get; }

    public long ModelVersion { get; }

    public IReadOnlyDictionary<string, AssetDefinition> Assets { get; }

    /// <summary>The asset's click destination, stored server-side (never taken from a request).</summary>
    public string? DestinationOf(string assetId) => destinations.GetValueOrDefault(assetId);

    /// <summary>
    /// The asset as served in <paramref name="slot"/>, without a click URL: text or URL, size and alt text from its
    /// attributes. The same instance for every decision of this snapshot.
    /// </summary>
    public ServedAsset ServedOf(string slot, AssetDefinition asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return served.TryGetValue(asset.Id, out var known) && ReferenceEquals(known.Source, asset) && known.Served.Slot == slot
            ? known.Served
            : ToServed(slot, asset);
    }

    /// <summary>
    /// Each of <paramref name="decision"/>'s assets that has a click destination, with it: a view over the decision's
    /// assets and this snapshot's destinations (one small object per decision, not a dictionary of its own).
    /// </summary>
    public IReadOnlyDictionary<string, string> DestinationsOf(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new ChosenDestinations(decision.AssetIds, destinations);
    }

    private static string? DestinationOf(AssetDefinition asset) =>
        asset.Attributes.TryGetValue("destinationUrl", out var url) ? url : null;

    private static ServedAsset ToServed(string slot, AssetDefinition asset)
    {
        var isText = string.Equals(asset.Kind, "text", StringComparison.OrdinalIgnoreCase);
        return new ServedAsset(
            slot,
            asset.Id,
            asset.Kind,
            isText ? asset.Content : asset.Attributes.GetValueOrDefault("text"),
            isText ? null : asset.Content,
            ParseInt(asset.Attributes.GetValueOrDefault("width")),
            ParseInt(asset.Attributes.GetValueOrDefault("height")),
            asset.Attributes.GetValueOrDefault("alt"));
    }

    private static int? ParseInt(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>All serving snapshots plus the live signals, swapped atomically on refresh.</summary>
public sealed class ServingState
{
    public static readonly ServingState Empty = new(new Dictionary<string, ServingSnapshot>(), new Dictionary<string, string>(), LiveSignals.Empty, DateTimeOffset.MinValue);

    public ServingState(IReadOnlyDictionary<string, ServingSnapshot> campaigns, IReadOnlyDictionary<string, string> placements, LiveSignals signals, DateTimeOffset refreshedAt)
    {
        Campaigns = campaigns;
        Placements = placements;
        Signals = signals;
        RefreshedAt = refreshedAt;
    }

    public IReadOnlyDictionary<string, ServingSnapshot> Campaigns { get; }

    /// <summary>Placement id → campaign id.</summary>
    public IReadOnlyDictionary<string, string> Placements { get; }

    public LiveSignals Signals { get; }

    public DateTimeOffset RefreshedAt { get; }
}

/// <summary>
/// The click destinations of one decision's assets, read from its snapshot's destinations of every asset. Immutable
/// like both of those; enumerates in the decision's slot order.
/// </summary>
internal sealed class ChosenDestinations(IReadOnlyList<string> assetIds, FrozenDictionary<string, string> all) : IReadOnlyDictionary<string, string>
{
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var _ in this)
            {
                count++;
            }

            return count;
        }
    }

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<string> Values => this.Select(p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Asset '{key}' has no destination in this decision.");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < assetIds.Count; i++)
        {
            if (string.Equals(assetIds[i], key, StringComparison.Ordinal))
            {
                return all.TryGetValue(key, out value);
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < assetIds.Count; i++)
        {
            // An asset chosen for two slots is one key.
            if (all.TryGetValue(assetIds[i], out var url) && IndexOf(assetIds[i]) == i)
            {
                yield return new(assetIds[i], url);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string assetId)
    {
        for (var i = 0; i < assetIds.Count; i++)
        {
            if (string.Equals(assetIds[i], assetId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
