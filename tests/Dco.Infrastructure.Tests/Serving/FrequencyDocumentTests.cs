using System.Text;
using System.Text.Json;
using CsCheck;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Tests.Serving;

public sealed class FrequencyDocumentTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 28, 12, 30, 15, TimeSpan.Zero);
    private readonly SystemTextJsonCosmosSerializer serializer = new([ServingJsonContext.Default]);

    [Fact]
    public void Times_are_stored_as_unix_seconds_and_read_back_to_the_second()
    {
        var frequency = new CampaignFrequencyDocument
        {
            Campaign = [Seen.AddMilliseconds(750), Seen.AddMinutes(1)],
            Assets = new Dictionary<string, IReadOnlyList<DateTimeOffset>> { ["headline-a"] = [Seen] },
            Combinations = new Dictionary<string, IReadOnlyList<DateTimeOffset>> { ["headline-a|image-b"] = [Seen.AddMinutes(1)] },
        };

        using var stream = serializer.ToStream(frequency);
        var json = Encoding.UTF8.GetString(((MemoryStream)stream).ToArray());
        stream.Position = 0;
        var read = serializer.FromStream<CampaignFrequencyDocument>(stream);

        var seconds = Seen.ToUnixTimeSeconds();
        Assert.Equal($$$"""{"campaign":[{{{seconds}}},{{{seconds + 60}}}],"assets":{"headline-a":[{{{seconds}}}]},"combinations":{"headline-a|image-b":[{{{seconds + 60}}}]}}""", json);
        Assert.Equal([Seen, Seen.AddMinutes(1)], read.Campaign);
        Assert.Equal([Seen], read.Assets["headline-a"]);
        Assert.Equal([Seen.AddMinutes(1)], read.Combinations["headline-a|image-b"]);
    }

    [Fact]
    public void A_profile_written_with_iso_8601_times_still_reads()
    {
        const string Stored = """
            {"id":"k1","userKey":"k1","frequency":{"demo":{
              "campaign":["2026-11-28T12:30:15.4427251+00:00"],
              "assets":{"headline-a":["2026-11-28T13:30:15+01:00", 1795912215]},
              "combinations":{}}}}
            """;

        var profile = serializer.FromStream<ProfileDocument>(new MemoryStream(Encoding.UTF8.GetBytes(Stored)));

        var demo = profile.Frequency["demo"];
        Assert.Equal(Seen.AddTicks(4427251), demo.Campaign.Single());
        Assert.Equal([Seen, DateTimeOffset.FromUnixTimeSeconds(1795912215)], demo.Assets["headline-a"]);
        Assert.Empty(demo.Combinations);
    }

    [Theory]
    [InlineData("""{"campaign":{}}""")]
    [InlineData("""{"campaign":[true]}""")]
    [InlineData("""{"assets":[]}""")]
    public void Malformed_times_are_refused(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => serializer.FromStream<CampaignFrequencyDocument>(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }
}

public sealed class FrequencyBucketFormatTests
{
    private readonly SystemTextJsonCosmosSerializer serializer = new([ServingJsonContext.Default]);

    private static FrequencyBucketDocument Bucket(Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>> viewers) =>
        new() { Id = "frequency:00007", UserKey = "frequency:00007", Viewers = viewers, Forgotten = new Dictionary<string, long> { ["k.gone"] = 1795949000 } };

    private string Json(FrequencyBucketDocument bucket)
    {
        using var stream = serializer.ToStream(bucket);
        return Encoding.UTF8.GetString(((MemoryStream)stream).ToArray());
    }

    private FrequencyBucketDocument Read(string json) => serializer.FromStream<FrequencyBucketDocument>(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    private static void AssertSame(FrequencyBucketDocument expected, FrequencyBucketDocument actual)
    {
        Assert.Equal(expected.Viewers.Keys.Order(StringComparer.Ordinal), actual.Viewers.Keys.Order(StringComparer.Ordinal));
        foreach (var (userKey, campaigns) in expected.Viewers)
        {
            Assert.Equal(campaigns.Keys.Order(StringComparer.Ordinal), actual.Viewers[userKey].Keys.Order(StringComparer.Ordinal));
            foreach (var (campaignId, combinations) in campaigns)
            {
                var read = actual.Viewers[userKey][campaignId];
                Assert.Equal(combinations.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
                foreach (var (combination, times) in combinations)
                {
                    Assert.Equal(times, read[combination]);
                }
            }
        }

        Assert.Equal(expected.Forgotten, actual.Forgotten);
    }

    [Fact]
    public void Viewers_are_stored_as_arrays_with_each_asset_id_once()
    {
        var bucket = Bucket(new()
        {
            ["k.one"] = new Dictionary<string, IReadOnlyDictionary<string, long[]>>
            {
                ["demo"] = new Dictionary<string, long[]> { ["headline-a|image-b|cta-c"] = [1795949751, 1795949756], ["headline-a|image-d|cta-c"] = [1795949760] },
            },
            ["k.two"] = new Dictionary<string, IReadOnlyDictionary<string, long[]>>
            {
                ["demo"] = new Dictionary<string, long[]> { ["headline-e|image-b|cta-c"] = [1795949770] },
                ["spring"] = new Dictionary<string, long[]>(),
            },
        });

        var json = Json(bucket);

        Assert.Contains(
            """
            "viewers":[["headline-a","image-b","cta-c","image-d","headline-e"],["k.one",["demo",["0.1.2",1795949751,1795949756],["0.3.2",1795949760]]],["k.two",["demo",["4.1.2",1795949770]],["spring"]]]
            """,
            json,
            StringComparison.Ordinal);
        AssertSame(bucket, Read(json));
    }

    [Fact]
    public void Any_bucket_reads_back_as_written()
    {
        // Asset ids with dots, digits and empty parts too: the table maps parts, whatever they hold.
        var part = Gen.OneOf(Gen.String[Gen.Char["a-z0-9.-"], 0, 12], Gen.Const("headline-a"), Gen.Const(""));
        var combination = part.Array[1, 6].Select(parts => string.Join('|', parts));
        var times = Gen.Long[1_700_000_000, 1_800_000_000].Array[0, 5];
        var campaign = Gen.Dictionary(combination, times)[0, 6].Select(d => (IReadOnlyDictionary<string, long[]>)d);
        var viewer = Gen.Dictionary(Gen.String[Gen.Char["a-z"], 1, 8], campaign)[0, 3].Select(d => (IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>)d);
        Gen.Dictionary(Gen.String[Gen.Char["A-Za-z0-9._-"], 1, 20], viewer)[0, 8].Sample(viewers =>
        {
            var bucket = Bucket(viewers);
            AssertSame(bucket, Read(Json(bucket)));
        });
    }

    [Fact]
    public void A_bucket_of_demo_like_viewers_is_under_half_the_size_of_format_1()
    {
        // 30 viewers with 10 combinations each of 5 slots from 8 assets a slot: what a load-test bucket holds.
        var random = new Random(7);
        var viewers = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>>();
        for (var v = 0; v < 30; v++)
        {
            var combinations = new Dictionary<string, long[]>();
            for (var c = 0; c < 10; c++)
            {
                var key = string.Join('|', new[] { "headline", "image-sku", "cta", "disclaimer", "background" }.Select(slot => $"{slot}-option-{random.Next(8)}"));
                combinations[key] = [1795949751 + random.Next(86_400)];
            }

            viewers[$"load1.{Convert.ToBase64String(Guid.NewGuid().ToByteArray())}"] = new Dictionary<string, IReadOnlyDictionary<string, long[]>> { ["demo"] = combinations };
        }

        var bucket = Bucket(viewers);
        var format1 = JsonSerializer.Serialize(bucket with { Viewers = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>>() })
            .Length + JsonSerializer.Serialize(viewers).Length;

        var format2 = Json(bucket).Length;

        Assert.True(format2 * 2 < format1, $"format 2 is {format2} characters, format 1 {format1}");
        AssertSame(bucket, Read(Json(bucket)));
    }

    [Fact]
    public void A_bucket_written_in_format_1_still_reads()
    {
        const string Stored = """
            {"id":"frequency:00007","userKey":"frequency:00007","ttl":7776000,
             "viewers":{"k.one":{"demo":{"headline-a|image-b":[1795949751,1795949756]},"spring":{}}},
             "forgotten":{"k.gone":1795949000}}
            """;

        var bucket = Read(Stored);

        Assert.Equal([1795949751L, 1795949756L], bucket.Viewers["k.one"]["demo"]["headline-a|image-b"]);
        Assert.Empty(bucket.Viewers["k.one"]["spring"]);
        Assert.Equal(1795949000, bucket.Forgotten["k.gone"]);
    }

    [Fact]
    public void An_empty_bucket_round_trips()
    {
        var bucket = Bucket([]);
        Assert.Contains("\"viewers\":[[]]", Json(bucket), StringComparison.Ordinal);
        Assert.Empty(Read(Json(bucket)).Viewers);
        Assert.Empty(Read("""{"id":"frequency:00007","userKey":"frequency:00007","viewers":[]}""").Viewers);
    }

    [Theory]
    [InlineData("""["a"]""", "asset table")]
    [InlineData("""[["a"],["k",["demo",["1",1795949751]]]]""", "refers to no asset")]
    [InlineData("""[["a"],["k",["demo",["x",1795949751]]]]""", "refers to no asset")]
    [InlineData("""[["a"],["k",["demo",["0","2026-11-28"]]]]""", "Unix seconds")]
    [InlineData("""[["a"],["k",["demo",["0",1.5]]]]""", "Unix seconds")]
    [InlineData("""[["a"],[7]]""", "viewer key")]
    [InlineData("""{"k":[]}""", "campaigns")]
    [InlineData("true", "array (format 2) or an object")]
    public void A_malformed_bucket_is_refused_with_what_is_wrong(string viewers, string reason)
    {
        var ex = Assert.ThrowsAny<System.Text.Json.JsonException>(() => Read($$"""{"id":"frequency:00007","userKey":"frequency:00007","viewers":{{viewers}}}"""));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
