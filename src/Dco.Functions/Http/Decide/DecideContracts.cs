using System.Text.Json;
using System.Text.Json.Serialization;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Serving;

namespace Dco.Functions.Http.Decide;

/// <summary>Body of <c>POST /api/decide</c>.</summary>
/// <remarks>
/// Settable rather than init-only, here and in the parts: System.Text.Json's source generator reads a type
/// with init-only properties through its constructor path, which allocates argument state per object and
/// boxes each <c>bool?</c>.
/// </remarks>
public sealed record DecideRequestBody
{
    public string? CampaignId { get; set; }

    public string? PlacementId { get; set; }

    /// <summary>The ad platform's viewer id; pseudonymized here, never stored as sent.</summary>
    public string? ViewerId { get; set; }

    public ConsentBody? Consent { get; set; }

    public ContextBody? Context { get; set; }

    /// <summary>Segments the caller knows (used only with full consent).</summary>
    public IReadOnlyList<string>? Segments { get; set; }
}

public sealed record ConsentBody
{
    /// <summary>TCF v2 TC string.</summary>
    public string? Tcf { get; set; }

    public bool? GdprApplies { get; set; }

    public string? Gpp { get; set; }

    public IReadOnlyList<int>? GppSid { get; set; }

    /// <summary>IAB US Privacy string, e.g. 1YNN.</summary>
    public string? UsPrivacy { get; set; }

    /// <summary>Explicit consent to personalized advertising (when no framework string is used).</summary>
    public bool? Personalization { get; set; }

    /// <summary>Explicit consent to advertising at all.</summary>
    public bool? Advertising { get; set; }
}

public sealed record ContextBody
{
    public string? Device { get; set; }

    public string? Geo { get; set; }

    public string? PageUrl { get; set; }

    public string? PageCategory { get; set; }

    /// <summary>The viewer's local time with offset (ISO 8601), for dayparting.</summary>
    public DateTimeOffset? LocalTime { get; set; }

    public IReadOnlyDictionary<string, string>? Attributes { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DecideRequestBody))]
public sealed partial class DecideJsonContext : JsonSerializerContext;

/// <summary>
/// Decide's 200 body as <c>/api/openapi.json</c> describes it. <see cref="DecideResponse"/> writes the same fields
/// itself rather than through this record (no object per request); <c>DecideResponseTests</c> holds the two
/// byte-equal, so the document says what decide sends.
/// </summary>
/// <param name="DecisionId">The decision's id: what its impression, click and conversion events name.</param>
/// <param name="CampaignId">The campaign decided for.</param>
/// <param name="IsDefault">True when the campaign's default creative was served, for <paramref name="DefaultReason"/>.</param>
/// <param name="DefaultReason">Why the default creative was served (absent otherwise).</param>
/// <param name="Assets">The chosen asset of each slot, in the template's slot order.</param>
/// <param name="Html">The assembled creative, HTML-escaped (absent when the campaign has no template).</param>
/// <param name="ImpressionUrl">The signed impression pixel (1×1 GIF) to load when the creative is shown.</param>
/// <param name="ClickUrl">The creative's signed click URL: the first asset's that has a destination (absent when none has).</param>
/// <param name="Propensity">The probability with which the policy chose this creative, logged for off-policy evaluation.</param>
/// <param name="Policy">The policy that chose it.</param>
/// <param name="PolicyVersion">The campaign and model versions it chose with.</param>
/// <param name="Consent">What the viewer's consent allowed.</param>
/// <param name="Explanation">Rules, exclusions and scores behind the decision: only with <c>explain=true</c> and the admin key.</param>
public sealed record DecideResponseBody(
    string DecisionId,
    string CampaignId,
    bool IsDefault,
    DefaultReason? DefaultReason,
    IReadOnlyList<DecideResponseAsset> Assets,
    string? Html,
    string ImpressionUrl,
    string? ClickUrl,
    double Propensity,
    string Policy,
    string PolicyVersion,
    ConsentLevel Consent,
    DecisionExplanation? Explanation)
{
    /// <summary>The body for <paramref name="result"/>, as <see cref="DecideResponse"/> writes it.</summary>
    public static DecideResponseBody Of(DecideResult result, bool explain)
    {
        ArgumentNullException.ThrowIfNull(result);
        var decision = result.Decision;
        return new DecideResponseBody(
            decision.DecisionId,
            result.Snapshot.CampaignId,
            decision.IsDefault,
            decision.IsDefault ? decision.DefaultReason : null,
            [.. result.Assets.Select((a, slot) => new DecideResponseAsset(a.Slot, a.Id, a.Kind, a.Text, a.Url, a.Width, a.Height, a.Alt, result.ClickUrlOf(slot)))],
            result.Html,
            result.ImpressionUrl,
            result.ClickUrl,
            decision.Propensity,
            decision.PolicyName,
            decision.PolicyVersion,
            result.Consent.Level,
            explain ? decision.Explain() : null);
    }
}

/// <summary>One slot's chosen asset in decide's body.</summary>
/// <param name="Slot">The template slot it fills.</param>
/// <param name="Id">The asset's id.</param>
/// <param name="Kind">text, image, …</param>
/// <param name="Text">The text to show (text assets, or an image's caption).</param>
/// <param name="Url">The asset's URL (images and other media).</param>
/// <param name="Width">Width in pixels, when known.</param>
/// <param name="Height">Height in pixels, when known.</param>
/// <param name="Alt">Alternative text.</param>
/// <param name="ClickUrl">The signed click URL, which redirects to the asset's destination (absent when it has none).</param>
public sealed record DecideResponseAsset(string Slot, string Id, string Kind, string? Text, string? Url, int? Width, int? Height, string? Alt, string? ClickUrl);
