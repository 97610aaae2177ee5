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
    }

    public CampaignDocument Document { get; }

    public string CampaignId => Document.Id;

    public CampaignSnapshot Engine { get; }

    /// <summary>Null when the campaign has no template (the response then carries assets only).</summary>
    public CreativeTemplate? Template { get; }

    public long ModelVersion { get; }

    public IReadOnlyDictionary<string, AssetDefinition> Assets { get; }

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
