using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dco.Infrastructure.Serving.Viewers;

using Campaigns = IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>;

/// <summary>
/// <see cref="FrequencyBucketDocument.Viewers"/> as stored (docs/decisions/0011, format 2): arrays, not
/// objects keyed by viewer, campaign and combination, and each asset id written once per bucket.
/// <code>
/// [ ["headline-a", "image-b", "cta-c"],            the bucket's asset ids
///   ["viewer key", ["campaign id", ["0.1.2", 1795949751, 1795949756], ["0.1", 1795949760]]],
///   ... ]
/// </code>
/// A combination (asset ids joined by <c>|</c>) is written as the indexes of its parts in the asset
/// table joined by <c>.</c>; times are Unix seconds. A bucket is a third of the size of format 1, and
/// cheaper to parse for the store and for us: format 1's keys were all distinct, ~100-character
/// combination keys once per viewer. Format 1 (nested objects) still reads, so buckets written before
/// are read and then written in format 2.
/// </summary>
public sealed class FrequencyViewersConverter : JsonConverter<IReadOnlyDictionary<string, Campaigns>>
{
    private const char PartSeparator = '|';
    private const char IndexSeparator = '.';

    public override IReadOnlyDictionary<string, Campaigns> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.StartArray => ReadCompact(ref reader),
            JsonTokenType.StartObject => ReadNested(ref reader),
            _ => throw new JsonException("A frequency bucket's viewers must be an array (format 2) or an object (format 1)."),
        };

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, Campaigns> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);

        // The asset table first: every part of every combination, in order of first appearance.
        var assets = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = assets.GetAlternateLookup<ReadOnlySpan<char>>();
        writer.WriteStartArray();
        writer.WriteStartArray();
        foreach (var campaigns in value.Values)
        {
            foreach (var combinations in campaigns.Values)
            {
                foreach (var combination in combinations.Keys)
                {
                    foreach (var range in combination.AsSpan().Split(PartSeparator))
                    {
                        var part = combination.AsSpan(range);
                        if (lookup.TryAdd(part, assets.Count))
                        {
                            writer.WriteStringValue(part);
                        }
                    }
                }
            }
        }

        writer.WriteEndArray();

        Span<char> indexes = stackalloc char[256];
        foreach (var (userKey, campaigns) in value)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(userKey);
            foreach (var (campaignId, combinations) in campaigns)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(campaignId);
                foreach (var (combination, times) in combinations)
                {
                    writer.WriteStartArray();
                    WriteIndexes(writer, combination, lookup, indexes);
                    foreach (var time in times)
                    {
                        writer.WriteNumberValue(time);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private static void WriteIndexes(Utf8JsonWriter writer, string combination, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, Span<char> buffer)
    {
        var written = 0;
        foreach (var range in combination.AsSpan().Split(PartSeparator))
        {
            // An index takes at most 10 digits and a separator; a combination too long for the buffer is written from a string.
            if (written + 11 > buffer.Length)
            {
                writer.WriteStringValue(IndexesOf(combination, lookup));
                return;
            }

            if (written > 0)
            {
                buffer[written++] = IndexSeparator;
            }

            lookup[combination.AsSpan(range)].TryFormat(buffer[written..], out var digits, provider: CultureInfo.InvariantCulture);
            written += digits;
        }

        writer.WriteStringValue(buffer[..written]);
    }

    // Apart from WriteIndexes, whose lambda would otherwise be allocated on every call.
    private static string IndexesOf(string combination, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup) =>
        string.Join(IndexSeparator, combination.Split(PartSeparator).Select(part => lookup[part].ToString(CultureInfo.InvariantCulture)));

    private static Dictionary<string, Campaigns> ReadCompact(ref Utf8JsonReader reader)
    {
        var viewers = new Dictionary<string, Campaigns>(StringComparer.Ordinal);
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            return viewers;
        }

        Expect(ref reader, JsonTokenType.StartArray, "the asset table");
        var assets = new List<string>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            assets.Add(String(ref reader, "an asset id"));
        }

        var parts = new List<string>();
        var times = new List<long>();

        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartArray, "a viewer");
            Next(ref reader);
            var userKey = String(ref reader, "a viewer key");
            var campaigns = new Dictionary<string, IReadOnlyDictionary<string, long[]>>(StringComparer.Ordinal);
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                Expect(ref reader, JsonTokenType.StartArray, "a campaign");
                Next(ref reader);
                var campaignId = String(ref reader, "a campaign id");
                var combinations = new Dictionary<string, long[]>(StringComparer.Ordinal);
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    Expect(ref reader, JsonTokenType.StartArray, "a combination");
                    Next(ref reader);
                    var combination = Combination(String(ref reader, "a combination"), assets, parts);
                    combinations[combination] = Times(ref reader, times);
                }

                campaigns[campaignId] = combinations;
            }

            viewers[userKey] = campaigns;
        }

        return viewers;
    }

    private static Dictionary<string, Campaigns> ReadNested(ref Utf8JsonReader reader)
    {
        var viewers = new Dictionary<string, Campaigns>(StringComparer.Ordinal);
        var times = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var userKey = reader.GetString()!;
            Next(ref reader);
            Expect(ref reader, JsonTokenType.StartObject, "a viewer's campaigns");
            var campaigns = new Dictionary<string, IReadOnlyDictionary<string, long[]>>(StringComparer.Ordinal);
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var campaignId = reader.GetString()!;
                Next(ref reader);
                Expect(ref reader, JsonTokenType.StartObject, "a campaign's combinations");
                var combinations = new Dictionary<string, long[]>(StringComparer.Ordinal);
                while (Next(ref reader) != JsonTokenType.EndObject)
                {
                    var combination = reader.GetString()!;
                    Next(ref reader);
                    Expect(ref reader, JsonTokenType.StartArray, "a combination's times");
                    combinations[combination] = Times(ref reader, times);
                }

                campaigns[campaignId] = combinations;
            }

            viewers[userKey] = campaigns;
        }

        return viewers;
    }

    /// <summary>The times up to the end of the array the reader is in (<paramref name="scratch"/>: reused between calls).</summary>
    private static long[] Times(ref Utf8JsonReader reader, List<long> scratch)
    {
        scratch.Clear();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            scratch.Add(Seconds(ref reader));
        }

        return [.. scratch];
    }

    /// <summary>The combination whose parts' indexes <paramref name="indexes"/> lists (<paramref name="parts"/>: scratch).</summary>
    private static string Combination(string indexes, List<string> assets, List<string> parts)
    {
        parts.Clear();
        foreach (var range in indexes.AsSpan().Split(IndexSeparator))
        {
            if (!int.TryParse(indexes.AsSpan(range), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= assets.Count)
            {
                throw new JsonException($"The combination '{indexes}' refers to no asset of the bucket's table of {assets.Count}.");
            }

            parts.Add(assets[index]);
        }

        return string.Join(PartSeparator, parts);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("A frequency bucket's viewers end early.");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        if (reader.TokenType != expected)
        {
            throw new JsonException($"Expected {what} ({expected}) in a frequency bucket, found {reader.TokenType}.");
        }
    }

    private static string String(ref Utf8JsonReader reader, string what)
    {
        Expect(ref reader, JsonTokenType.String, what);
        return reader.GetString()!;
    }

    private static long Seconds(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var seconds))
        {
            throw new JsonException($"An impression time must be whole Unix seconds, found {reader.TokenType}.");
        }

        return seconds;
    }
}
