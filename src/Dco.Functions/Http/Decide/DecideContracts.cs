using System.Text.Json;
using System.Text.Json.Serialization;

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
