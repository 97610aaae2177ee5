using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Serving.Viewers;

namespace Dco.Infrastructure.Serving;

/// <summary>
/// One decision: the entry of a <see cref="DecisionPageDocument"/> that tracking events and conversions
/// join to by id. Holds the pseudonymous viewer key only (never a raw id).
/// </summary>
public sealed record DecisionDocument
{
    /// <summary>The decision id, <c>{page id}-{index}</c> (<see cref="Decisions.DecisionIds"/>).</summary>
    public required string Id { get; init; }

    public required string CampaignId { get; init; }

    /// <summary>Pseudonymous viewer key (empty when unknown or without consent to store it).</summary>
    public string UserKey { get; init; } = "";

    public required DecisionRecord Record { get; init; }

    /// <summary>Destination URL per chosen asset id (server-side click targets).</summary>
    /// <remarks>The default is one shared empty dictionary: decide sets its own, and an initializer would make one per decision anyway.</remarks>
    public IReadOnlyDictionary<string, string> Destinations { get; init; } = FrozenDictionary<string, string>.Empty;
}

/// <summary>
/// Decisions of one campaign made within a fraction of a second on one instance, stored together in
/// the <c>decisions</c> container (partition <c>/campaignId</c>), written off the hot path after
/// <c>decide</c> answers and expiring with their TTL (docs/decisions/0010-decision-pages.md). A
/// decision's id names its page, so finding a decision is one point read. Stored compactly
/// (<see cref="Decisions.DecisionPageJsonConverter"/>).
/// </summary>
[JsonConverter(typeof(Decisions.DecisionPageJsonConverter))]
public sealed record DecisionPageDocument
{
    /// <summary>The page id (a version-7 GUID without dashes: ordered by time).</summary>
    public required string Id { get; init; }

    public required string CampaignId { get; init; }

    /// <summary>The distinct pseudonymous viewer keys among <see cref="Decisions"/>, for privacy deletion.</summary>
    public IReadOnlyList<string> UserKeys { get; init; } = [];

    public required IReadOnlyList<DecisionDocument> Decisions { get; init; }

    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>Learning state and counters of one campaign in the <c>stats</c> container (id <c>model</c>).</summary>
public sealed record ModelStateDocument
{
    public const string DocumentId = "model";

    public string Id { get; init; } = DocumentId;

    public required string CampaignId { get; init; }

    public required LearnerStateDocument State { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Billable impressions, clicks, conversions and value per asset, combination and segment, updated with <see cref="State"/>.</summary>
    public Learning.CampaignCountersDocument? Counters { get; init; }
}

/// <summary>
/// Pseudonymous viewer profile in <c>profiles</c> (partition <c>/userKey</c>): segments and consent
/// choices (recent impressions live in <see cref="FrequencyBucketDocument"/>s). Deleted on a deletion
/// request; expires with its TTL.
/// </summary>
public sealed record ProfileDocument
{
    /// <summary>Same as <see cref="UserKey"/>.</summary>
    public required string Id { get; init; }

    public required string UserKey { get; init; }

    public IReadOnlyList<string> Segments { get; init; } = [];

    /// <summary>The viewer asked us to stop personalizing: contextual decisions only from now on.</summary>
    public bool OptedOut { get; init; }

    /// <summary>Recent impressions per campaign id, as versions before docs/decisions/0011 wrote them: still read, no longer written.</summary>
    public IReadOnlyDictionary<string, CampaignFrequencyDocument> Frequency { get; init; } = new Dictionary<string, CampaignFrequencyDocument>();

    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>
/// The recent impressions of the viewers of one bucket (docs/decisions/0011): one document per bucket
/// of pseudonymous viewer keys, shared by every instance, in <c>profiles</c> under its own partition
/// (<c>frequency:00042</c>, which no viewer key can be). Instances write it by read, merge and
/// conditional replace, so no instance's impressions overwrite another's; <see cref="Forgotten"/> lists
/// viewers who opted out or were deleted since, so an instance still holding their impressions drops
/// them rather than writing them back.
/// </summary>
public sealed record FrequencyBucketDocument
{
    /// <summary>Same as <see cref="UserKey"/>.</summary>
    public required string Id { get; init; }

    /// <summary>The partition: <c>frequency:</c> and the bucket number.</summary>
    public required string UserKey { get; init; }

    /// <summary>
    /// Viewer key → campaign id → combination served (asset ids in slot order joined by <c>|</c>, which no
    /// asset id has) → when, in Unix seconds. Counts per campaign and per asset follow from it, so each
    /// impression is stored once rather than once per list a cap may count it in. Stored as arrays with
    /// an asset table (<see cref="FrequencyViewersConverter"/>, format 2).
    /// </summary>
    [JsonConverter(typeof(FrequencyViewersConverter))]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>> Viewers { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>>();

    /// <summary>Viewer key → when (Unix seconds) their impressions were forgotten; kept for the frequency horizon.</summary>
    public IReadOnlyDictionary<string, long> Forgotten { get; init; } = new Dictionary<string, long>();

    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>
/// A viewer's recent impressions in one campaign, as profiles held them before docs/decisions/0011 (read,
/// no longer written). Times are Unix seconds (caps count over hours and days); profiles written with
/// ISO 8601 times still read.
/// </summary>
public sealed record CampaignFrequencyDocument
{
    [JsonConverter(typeof(UnixSecondsListConverter))]
    public IReadOnlyList<DateTimeOffset> Campaign { get; init; } = [];

    [JsonConverter(typeof(UnixSecondsMapConverter))]
    public IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>> Assets { get; init; } = new Dictionary<string, IReadOnlyList<DateTimeOffset>>();

    [JsonConverter(typeof(UnixSecondsMapConverter))]
    public IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>> Combinations { get; init; } = new Dictionary<string, IReadOnlyList<DateTimeOffset>>();
}

/// <summary>A list of times as Unix seconds; reads Unix seconds or ISO 8601 text.</summary>
public sealed class UnixSecondsListConverter : JsonConverter<IReadOnlyList<DateTimeOffset>>
{
    public override IReadOnlyList<DateTimeOffset> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of times.");
        }

        var times = new List<DateTimeOffset>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            times.Add(reader.TokenType switch
            {
                JsonTokenType.Number => DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64()),
                JsonTokenType.String => reader.GetDateTimeOffset(),
                _ => throw new JsonException("A time must be Unix seconds or ISO 8601 text."),
            });
        }

        return times.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<DateTimeOffset> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        for (var i = 0; i < value.Count; i++)
        {
            writer.WriteNumberValue(value[i].ToUnixTimeSeconds());
        }

        writer.WriteEndArray();
    }
}

/// <summary>Lists of times by key, as <see cref="UnixSecondsListConverter"/> writes them.</summary>
public sealed class UnixSecondsMapConverter : JsonConverter<IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>>>
{
    private static readonly UnixSecondsListConverter Times = new();

    public override IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object of time lists.");
        }

        var map = new Dictionary<string, IReadOnlyList<DateTimeOffset>>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = Times.Read(ref reader, typeof(IReadOnlyList<DateTimeOffset>), options);
        }

        return map;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var (key, times) in value)
        {
            writer.WritePropertyName(key);
            Times.Write(writer, times, options);
        }

        writer.WriteEndObject();
    }
}

/// <summary>
/// A campaign in the <c>campaigns</c> container (partition <c>/id</c>): the Core definition plus what
/// serving needs around it. Cosmos's <c>_etag</c> is the concurrency token of the management API.
/// </summary>
public sealed record CampaignDocument
{
    public required string Id { get; init; }

    public required CampaignDefinition Definition { get; init; }

    /// <summary>HTML template of the assembled creative, with placeholders (<c>{{headline.text}}</c>, <c>{{click_url}}</c> …).</summary>
    public string Template { get; init; } = "";

    /// <summary>Placement ids served by this campaign (decide accepts a placement id instead of a campaign id).</summary>
    public IReadOnlyList<string> Placements { get; init; } = [];

    public string? BrandKitId { get; init; }

    /// <summary>draft, active, paused, archived: only active campaigns are served.</summary>
    public string Status { get; init; } = "active";

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Latest value of one external signal in <c>signals</c> (partition <c>/source</c>), e.g. weather.precipitation at a geo.</summary>
public sealed record SignalDocument
{
    /// <summary><c>{name}:{key}</c>.</summary>
    public required string Id { get; init; }

    /// <summary>weather, inventory, promotions …</summary>
    public required string Source { get; init; }

    public required string Name { get; init; }

    public required string Key { get; init; }

    public double Value { get; init; }

    public DateTimeOffset ObservedAt { get; init; }

    /// <summary>After this the value is no longer served (a stale forecast is worse than none).</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DecisionPageDocument))]
[JsonSerializable(typeof(ModelStateDocument))]
[JsonSerializable(typeof(ProfileDocument))]
[JsonSerializable(typeof(FrequencyBucketDocument))]
[JsonSerializable(typeof(CampaignDocument))]
[JsonSerializable(typeof(SignalDocument))]
public sealed partial class ServingJsonContext : JsonSerializerContext;
