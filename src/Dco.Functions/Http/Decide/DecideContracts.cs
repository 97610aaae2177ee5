using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dco.Functions.Http.Decide;

/// <summary>Body of <c>POST /api/decide</c>.</summary>
public sealed record DecideRequestBody
{
    public string? CampaignId { get; init; }

    public string? PlacementId { get; init; }

    /// <summary>The ad platform's viewer id; pseudonymized here, never stored as sent.</summary>
    public string? ViewerId { get; init; }

    public ConsentBody? Consent { get; init; }

    public ContextBody? Context { get; init; }

    /// <summary>Segments the caller knows (used only with full consent).</summary>
    public IReadOnlyList<string>? Segments { get; init; }
}

public sealed record ConsentBody
{
    /// <summary>TCF v2 TC string.</summary>
    public string? Tcf { get; init; }

    public bool? GdprApplies { get; init; }

    public string? Gpp { get; init; }

    public IReadOnlyList<int>? GppSid { get; init; }

    /// <summary>IAB US Privacy string, e.g. 1YNN.</summary>
    public string? UsPrivacy { get; init; }

    /// <summary>Explicit consent to personalized advertising (when no framework string is used).</summary>
    public bool? Personalization { get; init; }

    /// <summary>Explicit consent to advertising at all.</summary>
    public bool? Advertising { get; init; }
}

public sealed record ContextBody
{
    public string? Device { get; init; }

    public string? Geo { get; init; }

    public string? PageUrl { get; init; }

    public string? PageCategory { get; init; }

    /// <summary>The viewer's local time with offset (ISO 8601), for dayparting.</summary>
    public DateTimeOffset? LocalTime { get; init; }

    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}

public sealed record DecideResponseBody(
    string DecisionId,
    string CampaignId,
    bool IsDefault,
    string? DefaultReason,
    IReadOnlyList<ServedAssetBody> Assets,
    string? Html,
    string ImpressionUrl,
    string? ClickUrl,
    double Propensity,
    string Policy,
    string PolicyVersion,
    string Consent,
    object? Explanation);

public sealed record ServedAssetBody(string Slot, string Id, string Kind, string? Text, string? Url, int? Width, int? Height, string? Alt, string? ClickUrl);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DecideRequestBody))]
[JsonSerializable(typeof(DecideResponseBody))]
public sealed partial class DecideJsonContext : JsonSerializerContext;
