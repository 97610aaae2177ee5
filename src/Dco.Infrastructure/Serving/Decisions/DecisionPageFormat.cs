using System.Text.Json;
using System.Text.Json.Serialization;
using Dco.Core.Decisioning;

namespace Dco.Infrastructure.Serving.Decisions;

/// <summary>
/// How a <see cref="DecisionPageDocument"/> is stored (docs/decisions/0010-decision-pages.md). Format 3,
/// written since 2026-11-29, keeps what every decision of a page shares once: the campaign, policy and
/// campaign versions, an asset table (the distinct asset ids of its decisions, each with its click
/// destination) and a base time. Each decision is short fields: its index instead of its id, its viewer as
/// an index into the page's <c>userKeys</c>, its assets as indexes into the asset table, its time as ticks
/// after the base time. Format 2 (the same with asset ids and times spelled out, written before) and format 1
/// (the plain record per decision) are still read. Anything format 3 cannot say exactly (a decision not of
/// its page or campaign) is written in format 1: a page reads back equal to what was written either way.
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
        DecisionPageFormat.Write(writer, value);
}

internal static class DecisionPageFormat
{
    /// <summary>The format pages are written in, unless only format 1 can say them.</summary>
    public const int Current = 3;

    /// <summary>Shared parts once, asset ids and times spelled out: written before format 3, still read.</summary>
    public const int SharedParts = 2;

    // Format 3's names, as the serializer writes DecisionPageWire's, SharedWire's and DecisionWire's properties.
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText CampaignIdName = JsonEncodedText.Encode("campaignId");
    private static readonly JsonEncodedText UserKeysName = JsonEncodedText.Encode("userKeys");
    private static readonly JsonEncodedText FormatName = JsonEncodedText.Encode("format");
    private static readonly JsonEncodedText SharedName = JsonEncodedText.Encode("shared");
    private static readonly JsonEncodedText DecisionsName = JsonEncodedText.Encode("decisions");
    private static readonly JsonEncodedText TimeToLiveName = JsonEncodedText.Encode("ttl");
    private static readonly JsonEncodedText CampaignVersionName = JsonEncodedText.Encode("campaignVersion");
    private static readonly JsonEncodedText PolicyNameName = JsonEncodedText.Encode("policyName");
    private static readonly JsonEncodedText PolicyVersionName = JsonEncodedText.Encode("policyVersion");
    private static readonly JsonEncodedText AssetsName = JsonEncodedText.Encode("assets");
    private static readonly JsonEncodedText AssetDestinationsName = JsonEncodedText.Encode("assetDestinations");
    private static readonly JsonEncodedText BaseTicksName = JsonEncodedText.Encode("baseTicks");
    private static readonly JsonEncodedText IndexName = JsonEncodedText.Encode("i");
    private static readonly JsonEncodedText ViewerName = JsonEncodedText.Encode("v");
    private static readonly JsonEncodedText ViewerKeyName = JsonEncodedText.Encode("vk");
    private static readonly JsonEncodedText TicksName = JsonEncodedText.Encode("t");
    private static readonly JsonEncodedText OffsetName = JsonEncodedText.Encode("o");
    private static readonly JsonEncodedText ConsentName = JsonEncodedText.Encode("c");
    private static readonly JsonEncodedText AssetIndexesName = JsonEncodedText.Encode("ai");
    private static readonly JsonEncodedText PropensityName = JsonEncodedText.Encode("p");
    private static readonly JsonEncodedText PropensityErrorName = JsonEncodedText.Encode("pe");
    private static readonly JsonEncodedText FeaturesName = JsonEncodedText.Encode("f");
    private static readonly JsonEncodedText SegmentName = JsonEncodedText.Encode("s");
    private static readonly JsonEncodedText IsDefaultName = JsonEncodedText.Encode("d");
    private static readonly JsonEncodedText ReasonName = JsonEncodedText.Encode("r");
    private static readonly JsonEncodedText OwnCampaignVersionName = JsonEncodedText.Encode("cv");
    private static readonly JsonEncodedText OwnPolicyNameName = JsonEncodedText.Encode("pn");
    private static readonly JsonEncodedText OwnPolicyVersionName = JsonEncodedText.Encode("pv");
    private static readonly JsonEncodedText DestinationsName = JsonEncodedText.Encode("dst");

    /// <summary>
    /// Writes <paramref name="page"/> in format 3 straight from its decisions: the bytes the serializer makes of
    /// the page's <see cref="DecisionPageWire"/>, without making that wire object, a <see cref="DecisionWire"/> and
    /// an index array per decision first. A page format 3 cannot say exactly is written in format 1.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, DecisionPageDocument page)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(page);
        var count = page.Decisions.Count;
        Span<int> indexes = count <= DecisionLogWriter.PageCapacity ? stackalloc int[count] : new int[count];
        var compact = count > 0;
        for (var i = 0; i < count && compact; i++)
        {
            compact = TryGetIndexInPage(page.Decisions[i], page, out indexes[i]);
        }

        if (!compact)
        {
            JsonSerializer.Serialize(writer, Plain(page), DecisionPageWireJsonContext.Default.DecisionPageWire);
            return;
        }

        var table = new AssetTable();
        var baseTicks = long.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var decision = page.Decisions[i];
            table.Add(decision);
            baseTicks = Math.Min(baseTicks, decision.Record.DecidedAt.UtcTicks);
        }

        var first = page.Decisions[0].Record;
        writer.WriteStartObject();
        writer.WriteString(IdName, page.Id);
        writer.WriteString(CampaignIdName, page.CampaignId);
        WriteStrings(writer, UserKeysName, page.UserKeys);
        writer.WriteNumber(FormatName, Current);
        writer.WriteStartObject(SharedName);
        writer.WriteString(CampaignVersionName, first.CampaignVersion);
        writer.WriteString(PolicyNameName, first.PolicyName);
        writer.WriteString(PolicyVersionName, first.PolicyVersion);
        WriteStrings(writer, AssetsName, table.Assets);
        if (table.AnyDestination)
        {
            WriteStrings(writer, AssetDestinationsName, table.Destinations);
        }

        writer.WriteNumber(BaseTicksName, baseTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        writer.WriteEndObject();

        var viewers = page.UserKeys.Count == 0 ? null : new Dictionary<string, int>(page.UserKeys.Count, StringComparer.Ordinal);
        for (var i = 0; i < page.UserKeys.Count; i++)
        {
            viewers!.TryAdd(page.UserKeys[i], i);
        }

        writer.WriteStartArray(DecisionsName);
        Span<int> assetIndexes = stackalloc int[16];
        for (var i = 0; i < count; i++)
        {
            var decision = page.Decisions[i];
            var assets = decision.Record.AssetIds;
            var chosen = assets.Count <= assetIndexes.Length ? assetIndexes[..assets.Count] : new int[assets.Count];
            table.IndexesOf(assets, chosen);
            WriteDecision(writer, decision, indexes[i], viewers, chosen, table.Destinations, baseTicks, first);
        }

        writer.WriteEndArray();
        if (page.TimeToLive is { } timeToLive)
        {
            writer.WriteNumber(TimeToLiveName, timeToLive);
        }

        writer.WriteEndObject();
    }

    private static void WriteDecision(
        Utf8JsonWriter writer,
        DecisionDocument decision,
        int index,
        Dictionary<string, int>? viewers,
        ReadOnlySpan<int> assetIndexes,
        List<string?> sharedDestinations,
        long baseTicks,
        DecisionRecord first)
    {
        var record = decision.Record;
        writer.WriteStartObject();
        writer.WriteNumber(IndexName, index);
        if (decision.UserKey.Length > 0)
        {
            if (viewers is not null && viewers.TryGetValue(decision.UserKey, out var viewer))
            {
                writer.WriteNumber(ViewerName, viewer);
            }
            else
            {
                writer.WriteString(ViewerKeyName, decision.UserKey);
            }
        }

        writer.WriteNumber(TicksName, record.DecidedAt.UtcTicks - baseTicks);
        if (record.DecidedAt.Offset != TimeSpan.Zero)
        {
            writer.WriteNumber(OffsetName, (short)record.DecidedAt.Offset.TotalMinutes);
        }

        WriteEnum(writer, ConsentName, record.Consent);
        writer.WriteStartArray(AssetIndexesName);
        foreach (var assetIndex in assetIndexes)
        {
            writer.WriteNumberValue(assetIndex);
        }

        writer.WriteEndArray();
        writer.WriteNumber(PropensityName, record.Propensity);
        if (record.PropensityStandardError != 0)
        {
            writer.WriteNumber(PropensityErrorName, record.PropensityStandardError);
        }

        if (record.Features.Count > 0)
        {
            writer.WriteStartArray(FeaturesName);
            for (var f = 0; f < record.Features.Count; f++)
            {
                writer.WriteNumberValue(record.Features[f]);
            }

            writer.WriteEndArray();
        }

        if (record.ModelSegment is { } segment)
        {
            writer.WriteString(SegmentName, segment);
        }

        if (record.IsDefault)
        {
            writer.WriteBoolean(IsDefaultName, true);
        }

        if (record.DefaultReason != DefaultReason.None)
        {
            WriteEnum(writer, ReasonName, record.DefaultReason);
        }

        WriteIfDifferent(writer, OwnCampaignVersionName, record.CampaignVersion, first.CampaignVersion);
        WriteIfDifferent(writer, OwnPolicyNameName, record.PolicyName, first.PolicyName);
        WriteIfDifferent(writer, OwnPolicyVersionName, record.PolicyVersion, first.PolicyVersion);
        if (OwnDestinations(decision, assetIndexes, sharedDestinations) is { } own)
        {
            writer.WriteStartObject(DestinationsName);
            foreach (var (asset, url) in own)
            {
                if (url is null)
                {
                    writer.WriteNull(asset);
                }
                else
                {
                    writer.WriteString(asset, url);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string?> values)
    {
        writer.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value)
            {
                writer.WriteStringValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteIfDifferent(Utf8JsonWriter writer, JsonEncodedText name, string value, string shared)
    {
        if (value != shared)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>An enum as the serializer's string converter writes it: its name, or its number when it has none.</summary>
    private static void WriteEnum<T>(Utf8JsonWriter writer, JsonEncodedText name, T value)
        where T : struct, Enum
    {
        if (EnumNames<T>.Of(value) is { } text)
        {
            writer.WriteString(name, text);
        }
        else
        {
            writer.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static class EnumNames<T>
        where T : struct, Enum
    {
        private static readonly Dictionary<T, JsonEncodedText> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => JsonEncodedText.Encode(v.ToString()));

        public static JsonEncodedText? Of(T value) => Names.TryGetValue(value, out var text) ? text : null;
    }

    public static DecisionPageDocument FromWire(DecisionPageWire wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        var id = wire.Id ?? throw new JsonException("A decision page has no id.");
        var campaignId = wire.CampaignId ?? throw new JsonException($"Decision page {id} has no campaignId.");
        var userKeys = wire.UserKeys ?? [];
        var decisions = wire.Decisions ?? [];
        var read = new List<DecisionDocument>(decisions.Count);
        switch (wire.Format)
        {
            case null or 1:
                foreach (var decision in decisions)
                {
                    read.Add(PlainDecision(decision, id, campaignId));
                }

                break;
            case SharedParts or Current:
                var reader = new CompactPageReader(wire, id, campaignId, userKeys);
                foreach (var decision in decisions)
                {
                    read.Add(reader.Decision(decision));
                }

                break;
            default:
                throw new JsonException($"Decision page {id} is in format {wire.Format}, which this version cannot read.");
        }

        return new DecisionPageDocument
        {
            Id = id,
            CampaignId = campaignId,
            UserKeys = userKeys,
            Decisions = read,
            TimeToLive = wire.TimeToLive,
        };
    }

    /// <summary>The decision's index when it belongs to the page (its id, of which there is one spelling, and its campaign); else false.</summary>
    private static bool TryGetIndexInPage(DecisionDocument decision, DecisionPageDocument page, out int index) =>
        DecisionIds.TryGetIndexIn(page.Id, decision.Id, out index)
        && decision.CampaignId == page.CampaignId
        && decision.Record.DecisionId == decision.Id
        && decision.Record.CampaignId == page.CampaignId;

    /// <summary>
    /// The decision's destinations that the asset table does not give: different ones, null where it has
    /// none but the table does, and any for an asset it did not choose.
    /// </summary>
    private static Dictionary<string, string?>? OwnDestinations(DecisionDocument decision, ReadOnlySpan<int> assetIndexes, List<string?> shared)
    {
        Dictionary<string, string?>? own = null;
        var assets = decision.Record.AssetIds;
        var chosenWithDestination = 0;
        for (var i = 0; i < assetIndexes.Length; i++)
        {
            var common = shared[assetIndexes[i]];
            if (decision.Destinations.TryGetValue(assets[i], out var url))
            {
                // An asset chosen twice has one destination.
                chosenWithDestination += assetIndexes[..i].Contains(assetIndexes[i]) ? 0 : 1;
                if (url != common)
                {
                    (own ??= new(StringComparer.Ordinal))[assets[i]] = url;
                }
            }
            else if (common is not null)
            {
                (own ??= new(StringComparer.Ordinal))[assets[i]] = null;
            }
        }

        if (chosenWithDestination < decision.Destinations.Count)
        {
            foreach (var (asset, url) in decision.Destinations)
            {
                if (!assets.Contains(asset))
                {
                    (own ??= new(StringComparer.Ordinal))[asset] = url;
                }
            }
        }

        return own;
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

    /// <summary>A page's distinct asset ids in the order its decisions first choose them, with each one's click destination.</summary>
    private sealed class AssetTable
    {
        private readonly Dictionary<string, int> indexes = new(StringComparer.Ordinal);

        public List<string> Assets { get; } = [];

        /// <summary>Per asset, its destination in the first decision that chose it and had one; else null.</summary>
        public List<string?> Destinations { get; } = [];

        public bool AnyDestination { get; private set; }

        public void Add(DecisionDocument decision)
        {
            var assets = decision.Record.AssetIds;
            for (var i = 0; i < assets.Count; i++)
            {
                if (!indexes.TryGetValue(assets[i], out var index))
                {
                    index = Assets.Count;
                    indexes.Add(assets[i], index);
                    Assets.Add(assets[i]);
                    Destinations.Add(null);
                }

                if (Destinations[index] is null && decision.Destinations.TryGetValue(assets[i], out var url))
                {
                    Destinations[index] = url;
                    AnyDestination = true;
                }
            }
        }

        public void IndexesOf(IReadOnlyList<string> assets, Span<int> found)
        {
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = indexes[assets[i]];
            }
        }
    }

    /// <summary>Reads the decisions of a page in format 2 or 3 against the page's shared part, checked once.</summary>
    private sealed class CompactPageReader
    {
        // The times a DateTimeOffset can hold, as ticks since the Unix epoch.
        private static readonly long EarliestTicks = DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        private static readonly long LatestTicks = DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

        private readonly string pageId;
        private readonly string campaignId;
        private readonly IReadOnlyList<string> userKeys;
        private readonly int format;
        private readonly SharedWire shared;
        private readonly IReadOnlyList<string> assetTable = [];
        private readonly IReadOnlyList<string?>? assetDestinations;
        private readonly long baseTicks;

        public CompactPageReader(DecisionPageWire wire, string pageId, string campaignId, IReadOnlyList<string> userKeys)
        {
            this.pageId = pageId;
            this.campaignId = campaignId;
            this.userKeys = userKeys;
            format = wire.Format!.Value;
            shared = wire.Shared ?? throw Malformed("has no shared part");
            if (format == SharedParts)
            {
                return;
            }

            assetTable = shared.Assets ?? throw Malformed("has no asset table");
            if (assetTable.Contains(null!))
            {
                throw Malformed("has a null in its asset table");
            }

            assetDestinations = shared.AssetDestinations;
            if (assetDestinations is not null && assetDestinations.Count != assetTable.Count)
            {
                throw Malformed($"has {assetDestinations.Count} asset destinations for {assetTable.Count} assets");
            }

            baseTicks = shared.BaseTicks ?? throw Malformed("has no base time");
            if (baseTicks < EarliestTicks || baseTicks > LatestTicks)
            {
                throw Malformed($"has a base time of {baseTicks} ticks, outside the times a date can hold");
            }
        }

        public DecisionDocument Decision(DecisionWire wire)
        {
            var index = wire.Index ?? throw Malformed("has a decision without an index");
            if (index < 0 || index >= DecisionLogWriter.PageCapacity)
            {
                throw Malformed($"has a decision with index {index}, outside 0 to {DecisionLogWriter.PageCapacity - 1}");
            }

            var decisionId = DecisionIds.Format(pageId, index);
            var chosen = Assets(wire, decisionId);
            var destinations = new Dictionary<string, string>(chosen.Count, StringComparer.Ordinal);
            for (var i = 0; i < chosen.Count; i++)
            {
                if (wire.Destinations?.ContainsKey(chosen[i]) != true && SharedDestination(wire, i, chosen[i]) is { } url)
                {
                    destinations[chosen[i]] = url;
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
                    DecidedAt = DecidedAt(wire, decisionId),
                    Consent = wire.ConsentLevel ?? throw new JsonException($"Decision {decisionId} has no consent level."),
                    IsDefault = wire.IsDefault ?? false,
                    DefaultReason = wire.Reason ?? DefaultReason.None,
                    AssetIds = chosen,
                    Propensity = wire.Propensity ?? throw new JsonException($"Decision {decisionId} has no propensity."),
                    PropensityStandardError = wire.PropensityError ?? 0,
                    ModelSegment = wire.Segment,
                    Features = wire.Features ?? [],
                },
            };
        }

        private IReadOnlyList<string> Assets(DecisionWire wire, string decisionId)
        {
            if (format == SharedParts)
            {
                return wire.Assets ?? throw new JsonException($"Decision {decisionId} has no assets.");
            }

            var indexes = wire.AssetIndexes ?? throw new JsonException($"Decision {decisionId} has no asset indexes.");
            var chosen = new string[indexes.Length];
            for (var i = 0; i < chosen.Length; i++)
            {
                var at = indexes[i];
                chosen[i] = at >= 0 && at < assetTable.Count ? assetTable[at] : throw new JsonException($"Decision {decisionId} names asset {at}, outside its page's asset table of {assetTable.Count}.");
            }

            return chosen;
        }

        /// <summary>What the shared part gives as the destination of the decision's <paramref name="position"/>th asset.</summary>
        private string? SharedDestination(DecisionWire wire, int position, string asset) =>
            format == SharedParts
                ? shared.Destinations?.GetValueOrDefault(asset)
                : assetDestinations?[wire.AssetIndexes![position]];

        private DateTimeOffset DecidedAt(DecisionWire wire, string decisionId)
        {
            var ticks = wire.Ticks ?? throw new JsonException($"Decision {decisionId} has no time.");

            // Format 3 counts from the page's base time; either way the sum must be a time a date can hold.
            var earliest = EarliestTicks - baseTicks;
            var latest = LatestTicks - baseTicks;
            if (ticks < earliest || ticks > latest)
            {
                throw new JsonException($"Decision {decisionId} has a time of {ticks} ticks, outside the times a date can hold.");
            }

            var utc = new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + baseTicks + ticks, TimeSpan.Zero);
            var offset = TimeSpan.FromMinutes(wire.OffsetMinutes ?? 0);
            var local = utc.Ticks + offset.Ticks;
            if (offset.Duration() > TimeSpan.FromHours(14) || local < DateTime.MinValue.Ticks || local > DateTime.MaxValue.Ticks)
            {
                throw new JsonException($"Decision {decisionId} has an offset of {wire.OffsetMinutes} minutes, which its time cannot be given in.");
            }

            return utc.ToOffset(offset);
        }

        private JsonException Malformed(string problem) => new($"Decision page {pageId} (format {format}) {problem}.");
    }
}

/// <summary>A decision page as stored, in any format (<see cref="DecisionPageFormat"/>).</summary>
internal sealed class DecisionPageWire
{
    public string? Id { get; init; }

    public string? CampaignId { get; init; }

    /// <summary>Kept in every format: privacy deletion finds a viewer's pages by it.</summary>
    public IReadOnlyList<string>? UserKeys { get; init; }

    /// <summary>Absent in format 1.</summary>
    public int? Format { get; init; }

    public SharedWire? Shared { get; init; }

    public IReadOnlyList<DecisionWire>? Decisions { get; init; }

    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>What the decisions of a format-2 or format-3 page share unless they say otherwise.</summary>
internal sealed class SharedWire
{
    public string? CampaignVersion { get; init; }

    public string? PolicyName { get; init; }

    public string? PolicyVersion { get; init; }

    /// <summary>Format 2: click destination per asset, as the page's first decision with that asset had it.</summary>
    public Dictionary<string, string>? Destinations { get; init; }

    /// <summary>Format 3: the distinct asset ids of the page's decisions, in the order they first appear.</summary>
    public IReadOnlyList<string>? Assets { get; init; }

    /// <summary>
    /// Format 3: click destination per entry of <see cref="Assets"/>, as the first decision that chose it and
    /// had one had it; null for none. Absent when no asset has one.
    /// </summary>
    public IReadOnlyList<string?>? AssetDestinations { get; init; }

    /// <summary>Format 3: the earliest decision's time, 100 ns ticks since the Unix epoch (UTC), from which decisions' times count.</summary>
    public long? BaseTicks { get; init; }
}

/// <summary>One decision: format 1 fields (whole names) or format 2 and 3 fields (short names).</summary>
internal sealed class DecisionWire
{
    // Format 1.
    public string? Id { get; init; }

    public string? CampaignId { get; init; }

    public string? UserKey { get; init; }

    public DecisionRecord? Record { get; init; }

    [JsonPropertyName("destinations")]
    public IReadOnlyDictionary<string, string>? PlainDestinations { get; init; }

    // Formats 2 and 3.
    [JsonPropertyName("i")]
    public int? Index { get; init; }

    /// <summary>Index of the viewer's key in the page's <c>userKeys</c>; absent without a viewer.</summary>
    [JsonPropertyName("v")]
    public int? Viewer { get; init; }

    /// <summary>The viewer's key when the page's <c>userKeys</c> does not list it.</summary>
    [JsonPropertyName("vk")]
    public string? ViewerKey { get; init; }

    /// <summary>Decision time, in 100 ns ticks: format 2 since the Unix epoch (UTC), format 3 since the page's <see cref="SharedWire.BaseTicks"/>.</summary>
    [JsonPropertyName("t")]
    public long? Ticks { get; init; }

    /// <summary>The offset the time was given with, in minutes; absent for UTC.</summary>
    [JsonPropertyName("o")]
    public short? OffsetMinutes { get; init; }

    [JsonPropertyName("c")]
    public ConsentLevel? ConsentLevel { get; init; }

    /// <summary>Format 2: the chosen asset ids.</summary>
    [JsonPropertyName("a")]
    public IReadOnlyList<string>? Assets { get; init; }

    /// <summary>Format 3: the chosen assets as indexes into the page's <see cref="SharedWire.Assets"/> (an array: written without an enumerator).</summary>
    [JsonPropertyName("ai")]
    public int[]? AssetIndexes { get; init; }

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
