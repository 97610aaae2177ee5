using System.Collections.Concurrent;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Rendering;

namespace Dco.Infrastructure.Serving.Snapshots;

/// <summary>
/// Everything <c>decide</c> needs for one campaign, immutable and in memory: the compiled engine
/// snapshot (definition + model), the compiled HTML template and each asset's server-side facts.
/// </summary>
public sealed class ServingSnapshot
{
    /// <summary>Most combinations whose bound template one snapshot keeps; later ones are rendered in full.</summary>
    public const int MaxBoundTemplates = 4096;

    private readonly ConcurrentDictionary<string, CreativeTemplate?> boundTemplates = new(StringComparer.Ordinal);

    public ServingSnapshot(CampaignDocument document, CampaignSnapshot engine, CreativeTemplate? template, long modelVersion)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(engine);
        Document = document;
        Engine = engine;
        Template = template;
        ModelVersion = modelVersion;
        Assets = document.Definition.Slots.SelectMany(s => s.Assets).ToDictionary(a => a.Id, StringComparer.Ordinal);
    }

    public CampaignDocument Document { get; }

    public string CampaignId => Document.Id;

    public CampaignSnapshot Engine { get; }

    /// <summary>Null when the campaign has no template (the response then carries assets only).</summary>
    public CreativeTemplate? Template { get; }

    public long ModelVersion { get; }

    public IReadOnlyDictionary<string, AssetDefinition> Assets { get; }

    /// <summary>
    /// <see cref="Template"/> with what is fixed for one combination (its assets' fields, the campaign id)
    /// filled in by <paramref name="bind"/> on first use and kept for the snapshot's life, so that each
    /// decision escapes and checks only its own values. Null when binding refused a value, or when
    /// <see cref="MaxBoundTemplates"/> combinations are already kept and this one is not among them.
    /// </summary>
    public CreativeTemplate? BoundTemplate<TState>(string combinationKey, Func<TState, CreativeTemplate?> bind, TState state)
    {
        if (boundTemplates.TryGetValue(combinationKey, out var bound))
        {
            return bound;
        }

        return boundTemplates.Count < MaxBoundTemplates ? boundTemplates.GetOrAdd(combinationKey, static (_, s) => s.Bind(s.State), (Bind: bind, State: state)) : null;
    }

    /// <summary>The asset's click destination, stored server-side (never taken from a request).</summary>
    public string? DestinationOf(string assetId) =>
        Assets.TryGetValue(assetId, out var asset) && asset.Attributes.TryGetValue("destinationUrl", out var url) ? url : null;
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
