using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Privacy;
using Dco.Core.Serving.Rendering;
using Dco.Infrastructure.Privacy;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Serving.Snapshots;
using Dco.Infrastructure.Serving.Viewers;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Serving;

/// <summary>What the ad platform tells us about the placement and page (no personal data).</summary>
public sealed record DecideContext(
    string? Device = null,
    string? Geo = null,
    string? PageUrl = null,
    string? PageCategory = null,
    DateTimeOffset? LocalTime = null,
    IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>One serve-time request, already parsed and validated for shape by the HTTP layer.</summary>
public sealed record DecideCommand(
    string? CampaignId,
    string? PlacementId,
    string? ViewerId,
    ConsentSignals Consent,
    DecideContext Context,
    IReadOnlyList<string> Segments,
    Uri BaseUrl);

/// <summary>An asset as the response shows it (its click URL, signed per decision, is the decision's: <see cref="DecideResult.ClickUrlOf"/>).</summary>
public sealed record ServedAsset(string Slot, string Id, string Kind, string? Text, string? Url, int? Width, int? Height, string? Alt);

/// <summary>
/// A decision as served: the engine's answer, its assets and signed URLs. The creative's HTML is rendered
/// when it is asked for, so that decide can render it straight into its response (<see cref="RenderHtmlJsonInto"/>)
/// and no string of it is made.
/// </summary>
public sealed class DecideResult
{
    private readonly CreativeTemplate? template;
    private readonly string? placementId;
    private string? html;
    private bool htmlRendered;

    internal DecideResult(
        Decision decision,
        ServingSnapshot snapshot,
        List<ServedAsset> assets,
        TrackingLinks links,
        ConsentEvaluation consent,
        bool viewerStateUsed,
        string? placementId)
    {
        Decision = decision;
        Snapshot = snapshot;
        Assets = assets;
        Links = links;
        Consent = consent;
        ViewerStateUsed = viewerStateUsed;
        template = snapshot.Template;
        this.placementId = placementId;
        ClickSlot = -1;
        for (var slot = 0; slot < assets.Count; slot++)
        {
            if (links.HasClickUrl(slot))
            {
                ClickSlot = slot;
                break;
            }
        }
    }

    public Decision Decision { get; }

    public ServingSnapshot Snapshot { get; }

    /// <summary>The served assets, slot by slot (the snapshot's, shared by every decision that chose them).</summary>
    public IReadOnlyList<ServedAsset> Assets { get; }

    /// <summary>The decision's signed URLs: the impression's, and the click URL of each served asset that has a destination.</summary>
    public TrackingLinks Links { get; }

    public string ImpressionUrl => Links.ImpressionUrl;

    /// <summary>The slot whose click URL is the creative's (<see cref="ClickUrl"/>): the first with a destination; -1 when none has.</summary>
    public int ClickSlot { get; }

    /// <summary>The creative's click URL: the first served asset's that has a destination.</summary>
    public string? ClickUrl => Links.ClickUrlOf(ClickSlot);

    /// <summary>The click URL of the asset served in <paramref name="slot"/> (an index into <see cref="Assets"/>); null when it has no destination.</summary>
    public string? ClickUrlOf(int slot) => Links.ClickUrlOf(slot);

    public ConsentEvaluation Consent { get; }

    public bool ViewerStateUsed { get; }

    /// <summary>The rendered creative; null when the campaign has no template or a placeholder had no valid value.</summary>
    public string? Html
    {
        get
        {
            if (!htmlRendered)
            {
                html = template is null ? null : CreativeRenderer.Render(template, Placeholders()).Html;
                htmlRendered = true;
            }

            return html;
        }
    }

    /// <summary>
    /// Appends the rendered creative to <paramref name="utf8"/> as a JSON string escaped by <paramref name="encoder"/>
    /// (<see cref="CreativeRenderer.RenderJsonStringInto"/>); false (and what was appended is not a creative) when
    /// <see cref="Html"/> would be null.
    /// </summary>
    public bool RenderHtmlJsonInto(JavaScriptEncoder encoder, IBufferWriter<byte> utf8) =>
        template is not null && CreativeRenderer.RenderJsonStringInto(template, Placeholders(), encoder, utf8) is null;

    private DecisionPlaceholders Placeholders() =>
        new(Assets, Links, ClickSlot, Decision.DecisionId, Snapshot.CampaignId, placementId);
}

public enum DecideFailureKind
{
    UnknownCampaign,
    InvalidConsent,
    InvalidViewerId,
}

public sealed record DecideFailure(DecideFailureKind Kind, string Field, string Message);

/// <summary>
/// The serve-time path: consent → pseudonymous viewer → in-memory snapshot → engine decision →
/// rendered creative with signed tracking URLs → decision record queued for writing. Its only
/// possible wait is the first read of an unseen viewer's profile, bounded by a budget.
/// </summary>
public sealed class DecisionService(
    ServingSnapshotCache snapshots,
    ViewerStateCache viewers,
    DecisionLogWriter log,
    ConsentEvaluator consent,
    ViewerKeyRing viewerKeys,
    ITrackingUrls trackingUrls,
    TimeProvider time,
    IOptions<ServingOptions> options)
{
    public async ValueTask<(DecideResult? Result, DecideFailure? Failure)> DecideAsync(DecideCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var state = snapshots.Current;
        var campaignId = command.CampaignId ?? (command.PlacementId is not null && state.Placements.TryGetValue(command.PlacementId, out var mapped) ? mapped : null);
        if (campaignId is null || !state.Campaigns.TryGetValue(campaignId, out var snapshot))
        {
            var field = command.CampaignId is not null ? "campaignId" : "placementId";
            return (null, new DecideFailure(DecideFailureKind.UnknownCampaign, field, $"No active campaign '{command.CampaignId ?? command.PlacementId}' is being served."));
        }

        var evaluation = consent.Evaluate(command.Consent);
        if (!evaluation.IsValid)
        {
            var error = evaluation.Errors[0];
            return (null, new DecideFailure(DecideFailureKind.InvalidConsent, "consent." + error.Field, error.Message));
        }

        var level = evaluation.Level;
        var userKey = "";
        var segments = command.Segments;
        var viewerStateUsed = false;
        if (level == ConsentLevel.Full && command.ViewerId is not null)
        {
            var invalid = ViewerPseudonymizer.Validate(command.ViewerId);
            if (invalid is not null)
            {
                return (null, new DecideFailure(DecideFailureKind.InvalidViewerId, "viewerId", invalid));
            }

            // The raw id stops here: only its keyed hash is kept, logged or stored.
            userKey = viewerKeys.Pseudonymizer.Pseudonymize(command.ViewerId);
            var facts = await viewers.GetFactsAsync(userKey, cancellationToken);
            if (!facts.Known || facts.OptedOut)
            {
                level = ConsentLevel.ContextualOnly;
                userKey = facts.OptedOut ? "" : userKey;
            }
            else
            {
                segments = facts.Segments.Count == 0 ? segments : [.. segments.Union(facts.Segments, StringComparer.Ordinal)];
                viewerStateUsed = true;
            }
        }

        // From here to the commit nothing waits: a page is written once all its slots are committed.
        var slot = await log.ReserveAsync(snapshot.CampaignId, cancellationToken);
        var decisionId = slot.DecisionId;
        DecisionDocument? stored = null;
        try
        {
            var now = time.GetUtcNow();
            Decision decision;

            // The viewer's caps are checked and what they were served is counted under their lock.
            using (var frequency = viewerStateUsed ? viewers.LeaseFrequency(userKey, snapshot.CampaignId, snapshot.Engine.AssetCapScope) : default)
            {
                var request = new DecisionRequest
                {
                    DecisionId = decisionId,
                    ViewerKey = level == ConsentLevel.Full ? userKey : "",
                    Consent = level,
                    Time = command.Context.LocalTime ?? now,
                    Segments = level == ConsentLevel.Full ? segments : [],
                    Context = new RequestContext
                    {
                        Device = command.Context.Device,
                        Geo = command.Context.Geo,
                        PageCategory = command.Context.PageCategory,
                        Placement = command.PlacementId,
                        Attributes = command.Context.Attributes ?? FrozenDictionary<string, string>.Empty,
                    },
                    Signals = state.Signals,
                    Frequency = frequency.Frequency,
                };

                decision = snapshot.Engine.Decide(request, DecisionRandom.ForDecision(options.Value.Seed, decisionId));
                if (viewerStateUsed && !decision.IsDefault)
                {
                    frequency.RecordServed(decision.AssetIds, decision.CombinationKey, decision.KeysArePooled);
                }
            }

            // Only assets with a server-side destination get a click URL: the click endpoint redirects there.
            var destinations = snapshot.DestinationsOf(decision);
            var links = trackingUrls.LinksFor(decision.Record, command.BaseUrl, destinations);
            var assets = new List<ServedAsset>(decision.AssetIds.Count);
            var resolved = decision.Assets;
            for (var i = 0; i < resolved.Count; i++)
            {
                assets.Add(snapshot.ServedOf(snapshot.Engine.SlotNames[i], resolved[i]));
            }

            stored = new DecisionDocument
            {
                Id = decisionId,
                CampaignId = snapshot.CampaignId,
                UserKey = level == ConsentLevel.Full ? userKey : "",
                Record = decision.Record,
                Destinations = destinations,
            };
            return (new DecideResult(decision, snapshot, assets, links, evaluation, viewerStateUsed, command.PlacementId), null);
        }
        finally
        {
            log.Commit(slot, stored);
        }
    }
}

/// <summary>
/// A decision's placeholder values (every placeholder the management API accepts:
/// <c>CampaignValidator.GlobalPlaceholders</c> and slot fields), answered from the decision itself rather than from a dictionary
/// built for every render: the globals (<c>impression_url</c>, <c>click_url</c>, <c>decision_id</c>,
/// <c>campaign_id</c>, <c>placement_id</c>) and <c>{slot}.{field}</c> of each served asset (id, kind,
/// text, url, alt, width, height, click_url). Text and alt default to empty; url has no value for a
/// text asset; a slot's click_url falls back to the creative's.
/// </summary>
internal readonly struct DecisionPlaceholders(
    IReadOnlyList<ServedAsset> assets, TrackingLinks links, int clickSlot, string decisionId, string campaignId, string? placementId) : IPlaceholderValues
{
    public bool TryGetValue(string name, out string? value)
    {
        value = name switch
        {
            "impression_url" => links.ImpressionUrl,
            "click_url" => links.ClickUrlOf(clickSlot),
            "decision_id" => decisionId,
            "campaign_id" => campaignId,
            "placement_id" => placementId ?? "",
            _ => null,
        };
        if (value is not null || name is "click_url")
        {
            return true;
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        var slot = SlotNamed(name.AsSpan(0, dot));
        return slot >= 0 && Field(assets[slot], slot, name.AsSpan(dot + 1), out value);
    }

    /// <summary>The signed URLs (<c>impression_url</c>, <c>click_url</c>, <c>{slot}.click_url</c>) as the decision holds them, UTF-8.</summary>
    public bool TryGetUtf8(string name, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (name == "impression_url")
        {
            value = links.ImpressionUrlUtf8;
        }
        else if (name == "click_url")
        {
            value = links.ClickUrlUtf8(clickSlot);
        }
        else if (name.EndsWith(".click_url", StringComparison.Ordinal)
            && SlotNamed(name.AsSpan(0, name.Length - ".click_url".Length)) is var slot and >= 0)
        {
            value = links.ClickUrlUtf8(ClickSlotOf(slot));
        }

        return !value.IsEmpty;
    }

    /// <summary>The index of the served slot named <paramref name="slot"/>; -1 when no such slot was served.</summary>
    private int SlotNamed(ReadOnlySpan<char> slot)
    {
        for (var i = 0; i < assets.Count; i++)
        {
            if (slot.SequenceEqual(assets[i].Slot))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The slot whose click URL <c>{slot}.click_url</c> is: the slot's own, or the creative's when its asset has no destination.</summary>
    private int ClickSlotOf(int slot) => links.HasClickUrl(slot) ? slot : clickSlot;

    private bool Field(ServedAsset asset, int slot, ReadOnlySpan<char> field, out string? value)
    {
        value = field switch
        {
            "id" => asset.Id,
            "kind" => asset.Kind,
            "text" => asset.Text ?? "",
            "url" => asset.Url,
            "alt" => asset.Alt ?? "",
            "width" => asset.Width?.ToString(CultureInfo.InvariantCulture) ?? "",
            "height" => asset.Height?.ToString(CultureInfo.InvariantCulture) ?? "",
            "click_url" => links.ClickUrlOf(ClickSlotOf(slot)),
            _ => null,
        };
        return field is "id" or "kind" or "text" or "url" or "alt" or "width" or "height" or "click_url";
    }
}
