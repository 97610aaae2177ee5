using System.Text;
using System.Text.Json;
using CsCheck;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;

namespace Dco.Infrastructure.Tests.Serving;

/// <summary>How decision pages are stored: the compact format 2, and format-1 pages written before it.</summary>
public sealed class DecisionPageFormatTests
{
    private static readonly SystemTextJsonCosmosSerializer Serializer = new([ServingJsonContext.Default]);

    private static readonly string[] Assets = ["headline-rain", "headline-sun", "image-umbrella", "image-glasses", "cta-shop", "disclaimer-legal"];

    [Fact]
    public void Any_page_reads_back_equal_to_what_was_written()
    {
        Gen.Int[1, 40].SelectMany(count => Gen.Int[0, 1 << 30].Array[count]).Select(Gen.Int[0, 1000], Gen.Bool)
            .Sample((seeds, pageSeed, foreignDecision) =>
            {
                var page = RandomPage(seeds, pageSeed, foreignDecision);
                var json = Write(page);
                var read = Read(json);
                return Canonical(read) == Canonical(page) && IsCompact(json) == !foreignDecision;
            }, iter: 300);
    }

    [Fact]
    public void A_full_page_of_demo_decisions_is_stored_in_under_a_third_of_the_plain_format()
    {
        // As decide writes them: one campaign and policy version, UTC times, each asset's one destination.
        var random = RandomPage([.. Enumerable.Range(0, DecisionLogWriter.PageCapacity)], 7, foreignDecision: false);
        var page = random with
        {
            Decisions = [.. random.Decisions.Select(d => d with
            {
                Destinations = d.Record.AssetIds.Where(a => !a.StartsWith("disclaimer", StringComparison.Ordinal)).ToDictionary(a => a, a => $"https://shop.example/{a}"),
                Record = d.Record with { CampaignVersion = "3", PolicyName = "factorized-thompson", PolicyVersion = "3.12", DecidedAt = d.Record.DecidedAt.ToUniversalTime() },
            })],
        };

        var compact = Write(page).Length;
        var plain = Write(page with { Decisions = [.. page.Decisions, Decision(page.Id, 0, "another-campaign", "v", 1)] }).Length; // a foreign decision forces format 1

        Assert.InRange(compact, 1, plain / 3);
    }

    [Fact]
    public void A_page_written_in_format_1_is_read_as_before()
    {
        const string pageId = "0193a3b2c4d57e6f708192a3b4c5d6e7";
        var json = $$$"""
            {"id":"{{{pageId}}}","campaignId":"demo","userKeys":["k1.abc"],"ttl":7776000,"_etag":"\"x\"","_ts":1764390000,
             "decisions":[{"id":"{{{pageId}}}-0","campaignId":"demo","userKey":"k1.abc",
               "record":{"decisionId":"{{{pageId}}}-0","campaignId":"demo","campaignVersion":"3","policyName":"factorized-thompson","policyVersion":"3.12",
                 "decidedAt":"2026-11-28T21:05:07.5736092+01:00","consent":"Full","isDefault":false,"defaultReason":"None",
                 "assetIds":["headline-rain","image-umbrella"],"propensity":0.125,"propensityStandardError":0,"modelSegment":"rainy","features":[3,17]},
               "destinations":{"image-umbrella":"https://shop.example/umbrella"}}]}
            """;

        var page = Read(Encoding.UTF8.GetBytes(json));

        var decision = Assert.Single(page.Decisions);
        Assert.Equal((pageId, "demo", 7776000), (page.Id, page.CampaignId, page.TimeToLive));
        Assert.Equal(["k1.abc"], page.UserKeys);
        Assert.Equal(($"{pageId}-0", "k1.abc", "https://shop.example/umbrella"), (decision.Id, decision.UserKey, decision.Destinations["image-umbrella"]));
        Assert.Equal(("3.12", "rainy", 0.125, new DateTimeOffset(2026, 11, 28, 21, 5, 7, TimeSpan.FromHours(1)).AddTicks(5736092)),
            (decision.Record.PolicyVersion, decision.Record.ModelSegment, decision.Record.Propensity, decision.Record.DecidedAt));
        Assert.Equal(["headline-rain", "image-umbrella"], decision.Record.AssetIds);
        Assert.Equal([3, 17], decision.Record.Features);
    }

    [Fact]
    public void A_page_in_a_format_this_version_does_not_know_is_refused_with_its_format()
    {
        var json = """{"id":"0193a3b2c4d57e6f708192a3b4c5d6e7","campaignId":"demo","format":3,"decisions":[]}""";

        var error = Assert.Throws<JsonException>(() => Read(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("format 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_written_in_format_2_is_read_as_before()
    {
        // As the format-2 writer wrote GoldenPage: stored pages in format 2 must read like this for as long as they live.
        const string json = """
            {"id":"0193a3b2c4d57e6f708192a3b4c5d6e7","campaignId":"demo","userKeys":["k1.abc"],"format":2,
             "shared":{"campaignVersion":"3","policyName":"factorized-thompson","policyVersion":"3.12",
               "destinations":{"headline-rain":"https://shop.example/","image-umbrella":"https://shop.example/p/umbrella","cta-shop":"https://shop.example/",
                 "headline-sun":"https://shop.example/","image-glasses":"https://shop.example/p/glasses"}},
             "decisions":[
               {"i":0,"v":0,"t":17959338151234567,"c":"Full","a":["headline-rain","image-umbrella","cta-shop"],"p":0.0625,"f":[3,17],"s":"rainy"},
               {"i":1,"t":17959338151232067,"o":330,"c":"ContextualOnly","a":["headline-sun","image-umbrella","cta-shop"],"p":0.3141592653589793,"pe":0.002,"pv":"3.13",
                "dst":{"image-umbrella":"https://shop.example/p/umbrella-blue","cta-shop":null}},
               {"i":2,"vk":"k1.def","t":17959338152934567,"c":"Full","a":["headline-everyday","image-umbrella","cta-shop"],"p":1,"d":true,"r":"CampaignFrequencyCap",
                "dst":{"image-glasses":"https://shop.example/p/glasses","image-umbrella":null,"cta-shop":null}}],
             "ttl":7776000,"_etag":"\"x\"","_ts":1764397815}
            """;

        var page = Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(Canonical(GoldenPage()), Canonical(page));
    }

    [Fact]
    public void The_tests_format_2_writer_writes_what_the_format_2_writer_wrote()
    {
        // Pins DecisionPageFormat2 (the tests' copy) to the production writer while that still writes format 2.
        Gen.Int[1, 40].SelectMany(count => Gen.Int[0, 1 << 30].Array[count]).Select(Gen.Int[0, 1000])
            .Sample((seeds, pageSeed) =>
            {
                var page = RandomPage(seeds, pageSeed, foreignDecision: false);
                return DecisionPageFormat2.Write(page).AsSpan().SequenceEqual(Write(page));
            }, iter: 300);
    }

    /// <summary>
    /// A small page with a case of everything the compact formats shorten or share: a listed, an unlisted
    /// and no viewer; UTC and an offset; shared, different, missing and unchosen destinations; another
    /// policy version; a default; a propensity error; a segment and no features.
    /// </summary>
    private static DecisionPageDocument GoldenPage()
    {
        const string pageId = "0193a3b2c4d57e6f708192a3b4c5d6e7";
        var at = new DateTimeOffset(2026, 11, 29, 6, 30, 15, TimeSpan.Zero).AddTicks(1_234_567);
        DecisionDocument Golden(int index, string userKey, IReadOnlyDictionary<string, string> destinations, DecisionRecord record) => new()
        {
            Id = $"{pageId}-{index}",
            CampaignId = "demo",
            UserKey = userKey,
            Destinations = destinations,
            Record = record with { DecisionId = $"{pageId}-{index}" },
        };

        var first = new DecisionRecord
        {
            DecisionId = "",
            CampaignId = "demo",
            CampaignVersion = "3",
            PolicyName = "factorized-thompson",
            PolicyVersion = "3.12",
            DecidedAt = at,
            Consent = ConsentLevel.Full,
            AssetIds = ["headline-rain", "image-umbrella", "cta-shop"],
            Propensity = 0.0625,
            ModelSegment = "rainy",
            Features = [3, 17],
        };
        return new DecisionPageDocument
        {
            Id = pageId,
            CampaignId = "demo",
            UserKeys = ["k1.abc"],
            TimeToLive = 7_776_000,
            Decisions =
            [
                Golden(0, "k1.abc", new Dictionary<string, string>
                {
                    ["headline-rain"] = "https://shop.example/",
                    ["image-umbrella"] = "https://shop.example/p/umbrella",
                    ["cta-shop"] = "https://shop.example/",
                }, first),
                Golden(1, "", new Dictionary<string, string>
                {
                    ["headline-sun"] = "https://shop.example/",
                    ["image-umbrella"] = "https://shop.example/p/umbrella-blue",
                }, first with
                {
                    PolicyVersion = "3.13",
                    DecidedAt = at.AddTicks(-2_500).ToOffset(TimeSpan.FromMinutes(330)),
                    Consent = ConsentLevel.ContextualOnly,
                    AssetIds = ["headline-sun", "image-umbrella", "cta-shop"],
                    Propensity = 0.31415926535897931,
                    PropensityStandardError = 0.002,
                    ModelSegment = null,
                    Features = [],
                }),
                Golden(2, "k1.def", new Dictionary<string, string> { ["image-glasses"] = "https://shop.example/p/glasses" }, first with
                {
                    DecidedAt = at.AddTicks(1_700_000),
                    IsDefault = true,
                    DefaultReason = DefaultReason.CampaignFrequencyCap,
                    AssetIds = ["headline-everyday", "image-umbrella", "cta-shop"],
                    Propensity = 1,
                    ModelSegment = null,
                    Features = [],
                }),
            ],
        };
    }

    private static byte[] Write(DecisionPageDocument page)
    {
        using var stream = Serializer.ToStream(page);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static DecisionPageDocument Read(byte[] json) => Serializer.FromStream<DecisionPageDocument>(new MemoryStream(json));

    private static bool IsCompact(byte[] json) => JsonDocument.Parse(json).RootElement.TryGetProperty("format", out var format) && format.GetInt32() == 2;

    /// <summary>Pages and decisions spelled out field by field (records compare lists by reference).</summary>
    private static string Canonical(DecisionPageDocument page) => JsonSerializer.Serialize(new
    {
        page.Id,
        page.CampaignId,
        page.UserKeys,
        page.TimeToLive,
        Decisions = page.Decisions.Select(d => new
        {
            d.Id,
            d.CampaignId,
            d.UserKey,
            Destinations = d.Destinations.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray(),
            d.Record.DecisionId,
            RecordCampaign = d.Record.CampaignId,
            d.Record.CampaignVersion,
            d.Record.PolicyName,
            d.Record.PolicyVersion,
            DecidedAt = d.Record.DecidedAt.ToString("O"),
            d.Record.Consent,
            d.Record.IsDefault,
            d.Record.DefaultReason,
            d.Record.AssetIds,
            Propensity = d.Record.Propensity.ToString("R"),
            Error = d.Record.PropensityStandardError.ToString("R"),
            d.Record.ModelSegment,
            d.Record.Features,
        }),
    });

    /// <summary>
    /// A page whose decisions vary in everything the compact format shares or shortens: viewers listed,
    /// absent or not listed in userKeys, destinations shared, different or missing, versions, offsets,
    /// default reasons, features and segments. With <paramref name="foreignDecision"/>, one decision is of another campaign.
    /// </summary>
    private static DecisionPageDocument RandomPage(int[] seeds, int pageSeed, bool foreignDecision)
    {
        var pageId = Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddDays(20_000 + pageSeed)).ToString("N");
        var decisions = seeds.Select((seed, index) => Decision(pageId, index, "demo", "viewer-" + (seed % 5), seed)).ToList();
        if (foreignDecision)
        {
            decisions[seeds[0] % decisions.Count] = Decision(pageId, seeds[0] % decisions.Count, "other", "viewer-0", seeds[0]);
        }

        return new DecisionPageDocument
        {
            Id = pageId,
            CampaignId = "demo",
            UserKeys = [.. decisions.Select(d => d.UserKey).Where(k => k.Length > 0 && k != "viewer-4").Distinct()], // viewer-4: not listed
            Decisions = decisions,
            TimeToLive = pageSeed % 3 == 0 ? null : 86_400 * 90,
        };
    }

    private static DecisionDocument Decision(string pageId, int index, string campaign, string viewer, int seed)
    {
        var id = DecisionIds.Format(pageId, index);
        var random = new Random(seed);
        string[] chosen = [Assets[random.Next(2)], Assets[2 + random.Next(2)], Assets[4], Assets[5]];
        var destinations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var asset in chosen.Where(_ => random.Next(4) > 0))
        {
            destinations[asset] = random.Next(6) == 0 ? $"https://shop.example/{asset}/changed" : $"https://shop.example/{asset}";
        }

        var isDefault = random.Next(8) == 0;
        return new DecisionDocument
        {
            Id = id,
            CampaignId = campaign,
            UserKey = random.Next(5) == 0 ? "" : viewer,
            Destinations = destinations,
            Record = new DecisionRecord
            {
                DecisionId = id,
                CampaignId = campaign,
                CampaignVersion = random.Next(10) == 0 ? "4" : "3",
                PolicyName = random.Next(10) == 0 ? "uniform" : "factorized-thompson",
                PolicyVersion = random.Next(10) == 0 ? "3.13" : "3.12",
                DecidedAt = DateTimeOffset.UnixEpoch.AddTicks(17_640_000_000_000_000 + random.NextInt64(1_000_000_000)).ToOffset(TimeSpan.FromMinutes(random.Next(3) == 0 ? 330 : 0)),
                Consent = (ConsentLevel)random.Next(3),
                IsDefault = isDefault,
                DefaultReason = isDefault ? DefaultReason.CampaignFrequencyCap : DefaultReason.None,
                AssetIds = chosen,
                Propensity = isDefault ? 1 : random.NextDouble(),
                PropensityStandardError = random.Next(4) == 0 ? random.NextDouble() / 100 : 0,
                ModelSegment = random.Next(3) == 0 ? "rainy" : null,
                Features = [.. Enumerable.Range(0, random.Next(8)).Select(_ => random.Next(64))],
            },
        };
    }
}
