using System.Text.Json.Serialization;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Tracking;

namespace Dco.Infrastructure.Tracking;

/// <summary>
/// One accepted impression, click or conversion in the <c>events</c> container (partition <c>/campaignId</c>).
/// The id is deterministic (<see cref="EventIds"/>), so a repeat of the same real-world event is a 409,
/// not a second event. Non-billable hits (bots, prefetch, previews) are kept with their reason and never
/// learned from. Holds no viewer id: the viewer is reachable only through the decision, which expires.
/// </summary>
public sealed record TrackingEventDocument
{
    public required string Id { get; init; }

    public required string CampaignId { get; init; }

    public required string DecisionId { get; init; }

    public required FeedbackKind Kind { get; init; }

    /// <summary>Clicked asset (clicks only).</summary>
    public string? AssetId { get; init; }

    /// <summary>
    /// Combination from the token: set only from v1 tokens (issued before payload v2), null on events of newer
    /// tokens. Kept so older events read back whole; the decision record holds the combination.
    /// </summary>
    public string? CombinationId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    public bool Billable { get; init; } = true;

    public NonBillableReason NonBillableReason { get; init; }

    /// <summary>The user-agent token or header that made the hit non-billable (never the whole user agent).</summary>
    public string? Evidence { get; init; }

    /// <summary>The advertiser's order id (conversions only).</summary>
    public string? ConversionId { get; init; }

    public double Value { get; init; }

    /// <summary>ISO 4217 code of <see cref="Value"/> (conversions only).</summary>
    public string? Currency { get; init; }

    /// <summary>Set once the event is on the <c>events</c> queue; a retry finding it false enqueues it again.</summary>
    public bool Enqueued { get; init; }

    /// <summary>Seconds Cosmos DB keeps the event after its last write (<see cref="TrackingOptions.EventRetention"/>).</summary>
    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>The <c>events</c> queue message the learning function consumes.</summary>
public sealed record LearningEventMessage
{
    public required string EventId { get; init; }

    public required string CampaignId { get; init; }

    public required string DecisionId { get; init; }

    public required FeedbackKind Kind { get; init; }

    public string? AssetId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public double Value { get; init; }

    public string? Currency { get; init; }

    public static LearningEventMessage From(TrackingEventDocument e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new()
        {
            EventId = e.Id,
            CampaignId = e.CampaignId,
            DecisionId = e.DecisionId,
            Kind = e.Kind,
            AssetId = e.AssetId,
            OccurredAt = e.OccurredAt,
            Value = e.Value,
            Currency = e.Currency,
        };
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TrackingEventDocument))]
[JsonSerializable(typeof(LearningEventMessage))]
public sealed partial class TrackingJsonContext : JsonSerializerContext;
