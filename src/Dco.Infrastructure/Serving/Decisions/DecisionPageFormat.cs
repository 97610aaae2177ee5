using System.Text.Json;
using System.Text.Json.Serialization;
using Dco.Core.Decisioning;

namespace Dco.Infrastructure.Serving.Decisions;

/// <summary>
/// How a <see cref="DecisionPageDocument"/> is stored (docs/decisions/0010-decision-pages.md). Format 2,
/// written since 2026-11-29, keeps what every decision of a page shares once (the campaign, policy and
/// campaign versions, click destinations) and each decision in short fields: its index instead of its
/// id, its viewer as an index into the page's <c>userKeys</c>, its time as ticks. That is about a quarter
/// of format 1 (the plain record per decision, ~930 bytes each), which pages written before are still
/// read in. Anything format 2 cannot say exactly (a decision not of its page or campaign) is written in
/// format 1: a page reads back equal to what was written either way.
/// </summary>
internal sealed class DecisionPageJsonConverter : JsonConverter<DecisionPageDocument>
{
    public override DecisionPageDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var wire = JsonSerializer.Deserialize(ref reader, DecisionPageWireJsonContext.Default.DecisionPageWire)
            ?? throw new JsonException("A decision page is null.");
        return DecisionPageFormat.FromWire(wire);
    }

    public override void Write(Utf8JsonWriter writer, DecisionPageDocument value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, DecisionPageFormat.ToWire(value), DecisionPageWireJsonContext.Default.DecisionPageWire);
}

internal static class DecisionPageFormat
{
    public const int Compact = 2;

    public static DecisionPageWire ToWire(DecisionPageDocument page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Decisions.Count == 0)
        {
            return Plain(page);
        }

        var first = page.Decisions[0].Record;
        var shared = new SharedWire
        {
            CampaignVersion = first.CampaignVersion,
            PolicyName = first.PolicyName,
            PolicyVersion = first.PolicyVersion,
            Destinations = new Dictionary<string, string>(StringComparer.Ordinal),
        };
        foreach (var decision in page.Decisions)
        {
            foreach (var (asset, url) in decision.Destinations)
            {
                shared.Destinations.TryAdd(asset, url);
            }
        }

        var viewers = new Dictionary<string, int>(page.UserKeys.Count, StringComparer.Ordinal);
        for (var i = 0; i < page.UserKeys.Count; i++)
        {
            viewers.TryAdd(page.UserKeys[i], i);
        }

        var decisions = new List<DecisionWire>(page.Decisions.Count);
        foreach (var decision in page.Decisions)
        {
            if (!TryGetIndexInPage(decision, page, out var index))
            {
                return Plain(page);
            }

            var record = decision.Record;
            var viewer = decision.UserKey.Length == 0 ? (int?)null : viewers.TryGetValue(decision.UserKey, out var at) ? at : null;
            decisions.Add(new DecisionWire
            {
                Index = index,
                Viewer = viewer,
                ViewerKey = viewer is null && decision.UserKey.Length > 0 ? decision.UserKey : null,
                Ticks = record.DecidedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks,
                OffsetMinutes = record.DecidedAt.Offset == TimeSpan.Zero ? null : (short)record.DecidedAt.Offset.TotalMinutes,
                ConsentLevel = record.Consent,
                Assets = record.AssetIds,
                Propensity = record.Propensity,
                PropensityError = record.PropensityStandardError == 0 ? null : record.PropensityStandardError,
                Features = record.Features.Count == 0 ? null : record.Features,
                Segment = record.ModelSegment,
                IsDefault = record.IsDefault ? true : null,
                Reason = record.DefaultReason == DefaultReason.None ? null : record.DefaultReason,
                CampaignVersion = record.CampaignVersion == shared.CampaignVersion ? null : record.CampaignVersion,
                PolicyName = record.PolicyName == shared.PolicyName ? null : record.PolicyName,
                PolicyVersion = record.PolicyVersion == shared.PolicyVersion ? null : record.PolicyVersion,
                Destinations = OwnDestinations(decision, shared.Destinations),
            });
        }

        return new DecisionPageWire
        {
            Id = page.Id,
            CampaignId = page.CampaignId,
            UserKeys = page.UserKeys,
            TimeToLive = page.TimeToLive,
            Format = Compact,
            Shared = shared,
            Decisions = decisions,
        };
    }

    public static DecisionPageDocument FromWire(DecisionPageWire wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        var id = wire.Id ?? throw new JsonException("A decision page has no id.");
        var campaignId = wire.CampaignId ?? throw new JsonException($"Decision page {id} has no campaignId.");
        var userKeys = wire.UserKeys ?? [];
        var decisions = wire.Format switch
        {
            null or 1 => (wire.Decisions ?? []).Select(d => PlainDecision(d, id, campaignId)).ToList(),
            Compact => (wire.Decisions ?? []).Select(d => CompactDecision(d, id, campaignId, userKeys, wire.Shared ?? throw new JsonException($"Decision page {id} (format 2) has no shared part."))).ToList(),
            _ => throw new JsonException($"Decision page {id} is in format {wire.Format}, which this version cannot read."),
        };

        return new DecisionPageDocument
        {
            Id = id,
            CampaignId = campaignId,
            UserKeys = userKeys,
            Decisions = decisions,
            TimeToLive = wire.TimeToLive,
        };
    }

    /// <summary>The decision's index when it belongs to the page (its id, of which there is one spelling, and its campaign); else false.</summary>
    private static bool TryGetIndexInPage(DecisionDocument decision, DecisionPageDocument page, out int index) =>
        DecisionIds.TryGetIndexIn(page.Id, decision.Id, out index)
        && decision.CampaignId == page.CampaignId
        && decision.Record.DecisionId == decision.Id
        && decision.Record.CampaignId == page.CampaignId;

    /// <summary>The decision's destinations that the shared ones do not give: different ones, and null where it has none but the page does.</summary>
    private static Dictionary<string, string?>? OwnDestinations(DecisionDocument decision, Dictionary<string, string> shared)
    {
        Dictionary<string, string?>? own = null;
        foreach (var (asset, url) in decision.Destinations)
        {
            if (!decision.Record.AssetIds.Contains(asset) || !shared.TryGetValue(asset, out var common) || common != url)
            {
                (own ??= new(StringComparer.Ordinal))[asset] = url;
            }
        }

        foreach (var asset in decision.Record.AssetIds)
        {
            if (!decision.Destinations.ContainsKey(asset) && shared.ContainsKey(asset))
            {
                (own ??= new(StringComparer.Ordinal))[asset] = null;
            }
        }

        return own;
    }

    private static DecisionDocument CompactDecision(DecisionWire wire, string pageId, string campaignId, IReadOnlyList<string> userKeys, SharedWire shared)
    {
        var index = wire.Index ?? throw new JsonException($"A decision of page {pageId} has no index.");
        var decisionId = DecisionIds.Format(pageId, index);
        var assets = wire.Assets ?? throw new JsonException($"Decision {decisionId} has no assets.");
        var destinations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var asset in assets)
        {
            if (wire.Destinations is null || !wire.Destinations.ContainsKey(asset))
            {
                if (shared.Destinations?.TryGetValue(asset, out var url) == true)
                {
                    destinations[asset] = url;
                }
            }
        }

        foreach (var (asset, url) in wire.Destinations ?? [])
        {
            if (url is not null)
            {
                destinations[asset] = url;
            }
        }

        var userKey = wire.ViewerKey ?? "";
        if (wire.Viewer is { } viewer)
        {
            userKey = viewer >= 0 && viewer < userKeys.Count ? userKeys[viewer] : throw new JsonException($"Decision {decisionId} names viewer {viewer} of {userKeys.Count}.");
        }

        var ticks = wire.Ticks ?? throw new JsonException($"Decision {decisionId} has no time.");
        var offset = TimeSpan.FromMinutes(wire.OffsetMinutes ?? 0);
        return new DecisionDocument
        {
            Id = decisionId,
            CampaignId = campaignId,
            UserKey = userKey,
            Destinations = destinations,
            Record = new DecisionRecord
            {
                DecisionId = decisionId,
                CampaignId = campaignId,
                CampaignVersion = wire.CampaignVersion ?? shared.CampaignVersion ?? "",
                PolicyName = wire.PolicyName ?? shared.PolicyName ?? "",
                PolicyVersion = wire.PolicyVersion ?? shared.PolicyVersion ?? "",
                DecidedAt = new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + ticks, TimeSpan.Zero).ToOffset(offset),
                Consent = wire.ConsentLevel ?? throw new JsonException($"Decision {decisionId} has no consent level."),
                IsDefault = wire.IsDefault ?? false,
                DefaultReason = wire.Reason ?? DefaultReason.None,
                AssetIds = assets,
                Propensity = wire.Propensity ?? throw new JsonException($"Decision {decisionId} has no propensity."),
                PropensityStandardError = wire.PropensityError ?? 0,
                ModelSegment = wire.Segment,
                Features = wire.Features ?? [],
            },
        };
    }

    private static DecisionPageWire Plain(DecisionPageDocument page) => new()
    {
        Id = page.Id,
        CampaignId = page.CampaignId,
        UserKeys = page.UserKeys,
        TimeToLive = page.TimeToLive,
        Decisions = [.. page.Decisions.Select(d => new DecisionWire { Id = d.Id, CampaignId = d.CampaignId, UserKey = d.UserKey, Record = d.Record, PlainDestinations = d.Destinations })],
    };

    private static DecisionDocument PlainDecision(DecisionWire wire, string pageId, string campaignId) => new()
    {
        Id = wire.Id ?? throw new JsonException($"A decision of page {pageId} has no id."),
        CampaignId = wire.CampaignId ?? campaignId,
        UserKey = wire.UserKey ?? "",
        Record = wire.Record ?? throw new JsonException($"Decision {wire.Id} has no record."),
        Destinations = wire.PlainDestinations ?? new Dictionary<string, string>(),
    };
}

/// <summary>A decision page as stored, in either format (<see cref="DecisionPageFormat"/>).</summary>
internal sealed class DecisionPageWire
{
    public string? Id { get; init; }

    public string? CampaignId { get; init; }

    /// <summary>Kept in both formats: privacy deletion finds a viewer's pages by it.</summary>
    public IReadOnlyList<string>? UserKeys { get; init; }

    /// <summary>Absent in format 1.</summary>
    public int? Format { get; init; }

    public SharedWire? Shared { get; init; }

    public IReadOnlyList<DecisionWire>? Decisions { get; init; }

    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>What the decisions of a format-2 page share unless they say otherwise.</summary>
internal sealed class SharedWire
{
    public string? CampaignVersion { get; init; }

    public string? PolicyName { get; init; }

    public string? PolicyVersion { get; init; }

    /// <summary>Click destination per asset, as the page's first decision with that asset had it.</summary>
    public Dictionary<string, string>? Destinations { get; init; }
}

/// <summary>One decision: format 1 fields (whole names) or format 2 fields (short names).</summary>
internal sealed class DecisionWire
{
    // Format 1.
    public string? Id { get; init; }

    public string? CampaignId { get; init; }

    public string? UserKey { get; init; }

    public DecisionRecord? Record { get; init; }

    [JsonPropertyName("destinations")]
    public IReadOnlyDictionary<string, string>? PlainDestinations { get; init; }

    // Format 2.
    [JsonPropertyName("i")]
    public int? Index { get; init; }

    /// <summary>Index of the viewer's key in the page's <c>userKeys</c>; absent without a viewer.</summary>
    [JsonPropertyName("v")]
    public int? Viewer { get; init; }

    /// <summary>The viewer's key when the page's <c>userKeys</c> does not list it.</summary>
    [JsonPropertyName("vk")]
    public string? ViewerKey { get; init; }

    /// <summary>Decision time: 100 ns ticks since the Unix epoch, UTC.</summary>
    [JsonPropertyName("t")]
    public long? Ticks { get; init; }

    /// <summary>The offset the time was given with, in minutes; absent for UTC.</summary>
    [JsonPropertyName("o")]
    public short? OffsetMinutes { get; init; }

    [JsonPropertyName("c")]
    public ConsentLevel? ConsentLevel { get; init; }

    [JsonPropertyName("a")]
    public IReadOnlyList<string>? Assets { get; init; }

    [JsonPropertyName("p")]
    public double? Propensity { get; init; }

    [JsonPropertyName("pe")]
    public double? PropensityError { get; init; }

    [JsonPropertyName("f")]
    public IReadOnlyList<int>? Features { get; init; }

    [JsonPropertyName("s")]
    public string? Segment { get; init; }

    [JsonPropertyName("d")]
    public bool? IsDefault { get; init; }

    [JsonPropertyName("r")]
    public DefaultReason? Reason { get; init; }

    [JsonPropertyName("cv")]
    public string? CampaignVersion { get; init; }

    [JsonPropertyName("pn")]
    public string? PolicyName { get; init; }

    [JsonPropertyName("pv")]
    public string? PolicyVersion { get; init; }

    /// <summary>This decision's destinations where they differ from the shared ones (null: none for that asset).</summary>
    [JsonPropertyName("dst")]
    public Dictionary<string, string?>? Destinations { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DecisionPageWire))]
internal sealed partial class DecisionPageWireJsonContext : JsonSerializerContext;
