using System.Text;
using System.Text.Json;
using CsCheck;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;

namespace Dco.Infrastructure.Tests.Serving;

/// <summary>How decision pages are stored: the compact format 3, and pages written before it in formats 1 and 2.</summary>
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
                return Canonical(read) == Canonical(page) && FormatOf(json) == (foreignDecision ? null : 3);
            }, iter: 300);
    }

    [Fact]
    public void Any_page_written_in_format_2_reads_back_equal_to_what_was_written()
    {
        // DecisionPageFormat2 is the tests' copy of the format-2 writer (byte-equal to it while production still wrote format 2).
        Gen.Int[1, 40].SelectMany(count => Gen.Int[0, 1 << 30].Array[count]).Select(Gen.Int[0, 1000])
            .Sample((seeds, pageSeed) =>
            {
                var page = RandomPage(seeds, pageSeed, foreignDecision: false);
                var json = DecisionPageFormat2.Write(page);
                return Canonical(Read(json)) == Canonical(page) && FormatOf(json) == 2;
            }, iter: 300);
    }

    // GoldenPage() in format 3, one line. The asset table is in first-seen order, each asset with its first
    // destination; times count from the earliest.
    private static readonly string GoldenFormat3Json = string.Concat("""
            {"id":"0193a3b2c4d57e6f708192a3b4c5d6e7","campaignId":"demo","userKeys":["k1.abc"],"format":3,
             "shared":{"campaignVersion":"3","policyName":"factorized-thompson","policyVersion":"3.12",
               "assets":["headline-rain","image-umbrella","cta-shop","headline-sun","headline-everyday"],
               "assetDestinations":["https://shop.example/","https://shop.example/p/umbrella","https://shop.example/","https://shop.example/",null],
               "baseTicks":17959338151232067},
             "decisions":[
               {"i":0,"v":0,"t":2500,"c":"Full","ai":[0,1,2],"p":0.0625,"f":[3,17],"s":"rainy"},
               {"i":1,"t":0,"o":330,"c":"ContextualOnly","ai":[3,1,2],"p":0.3141592653589793,"pe":0.002,"pv":"3.13",
                "dst":{"image-umbrella":"https://shop.example/p/umbrella-blue","cta-shop":null}},
               {"i":2,"vk":"k1.def","t":1702500,"c":"Full","ai":[4,1,2],"p":1,"d":true,"r":"CampaignFrequencyCap",
                "dst":{"image-umbrella":null,"cta-shop":null,"image-glasses":"https://shop.example/p/glasses"}}],
             "ttl":7776000}
        """.Split('\n').Select(line => line.Trim()));

    [Fact]
    public void A_page_is_written_in_format_3_as_documented()
    {
        var json = Encoding.UTF8.GetString(Write(GoldenPage()));

        Assert.Equal(GoldenFormat3Json, json);
    }

    [Fact]
    public void A_page_written_in_format_3_is_read_as_written()
    {
        // As stored: the literal above with the properties Cosmos adds to every document.
        var json = GoldenFormat3Json[..^1] + ",\"_etag\":\"\\\"x\\\"\",\"_ts\":1764397815}";

        var page = Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(Canonical(GoldenPage()), Canonical(page));
    }

    [Fact]
    public void A_full_demo_page_in_format_3_is_at_most_70_percent_of_format_2()
    {
        var page = DemoDecisionPages.Page(seed: 11);

        var format3 = Write(page).Length;
        var format2 = DecisionPageFormat2.Write(page).Length;

        Assert.InRange(format3, 1, format2 * 70 / 100);
    }

    [Fact]
    public void The_malformed_page_the_malformed_cases_start_from_is_well_formed()
    {
        var page = Read(Encoding.UTF8.GetBytes(MalformedBase.Replace("SHARED", WellFormedShared, StringComparison.Ordinal).Replace("DECISION", WellFormedDecision, StringComparison.Ordinal)));

        var decision = Assert.Single(page.Decisions);
        Assert.Equal(["image-b", "headline-a"], decision.Record.AssetIds);
        Assert.Equal(["image-b"], decision.Destinations.Keys);
    }

    [Theory]
    [InlineData(null, WellFormedDecision, "has no shared part")]
    [InlineData("""{"baseTicks":17959338151232067}""", WellFormedDecision, "has no asset table")]
    [InlineData("""{"assets":["headline-a",null],"baseTicks":17959338151232067}""", WellFormedDecision, "has a null in its asset table")]
    [InlineData("""{"assets":["headline-a","image-b"]}""", WellFormedDecision, "has no base time")]
    [InlineData("""{"assets":["headline-a","image-b"],"baseTicks":-9223372036854775807}""", WellFormedDecision, "has a base time of -9223372036854775807 ticks")]
    [InlineData("""{"assets":["headline-a","image-b"],"assetDestinations":[null],"baseTicks":17959338151232067}""", WellFormedDecision, "has 1 asset destinations for 2 assets")]
    [InlineData(WellFormedShared, """{"i":0,"t":5,"c":"Full","ai":[1,2],"p":0.5}""", "-0 names asset 2, outside its page's asset table of 2")]
    [InlineData(WellFormedShared, """{"i":0,"t":5,"c":"Full","ai":[-1],"p":0.5}""", "-0 names asset -1, outside its page's asset table of 2")]
    [InlineData(WellFormedShared, """{"i":0,"t":5,"c":"Full","a":["image-b"],"p":0.5}""", "-0 has no asset indexes")]
    [InlineData(WellFormedShared, """{"i":128,"t":5,"c":"Full","ai":[1],"p":0.5}""", "has a decision with index 128, outside 0 to 127")]
    [InlineData(WellFormedShared, """{"t":5,"c":"Full","ai":[1],"p":0.5}""", "has a decision without an index")]
    [InlineData(WellFormedShared, """{"i":0,"v":1,"t":5,"c":"Full","ai":[1],"p":0.5}""", "-0 names viewer 1 of 0")]
    [InlineData(WellFormedShared, """{"i":0,"c":"Full","ai":[1],"p":0.5}""", "-0 has no time")]
    [InlineData(WellFormedShared, """{"i":0,"t":9223372036854775807,"c":"Full","ai":[1],"p":0.5}""", "-0 has a time of 9223372036854775807 ticks")]
    [InlineData(WellFormedShared, """{"i":0,"t":5,"o":900,"c":"Full","ai":[1],"p":0.5}""", "-0 has an offset of 900 minutes")]
    public void A_malformed_format_3_page_is_refused_with_its_id_and_the_problem(string? shared, string decision, string problem)
    {
        var json = MalformedBase.Replace("SHARED", shared ?? "null", StringComparison.Ordinal).Replace("DECISION", decision, StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => Read(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(MalformedPageId, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_page_of_demo_decisions_is_stored_in_under_a_third_of_the_plain_format()
    {
        var page = DemoDecisionPages.Page(seed: 7);

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
        var json = """{"id":"0193a3b2c4d57e6f708192a3b4c5d6e7","campaignId":"demo","format":4,"decisions":[]}""";

        var error = Assert.Throws<JsonException>(() => Read(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("format 4", error.Message, StringComparison.Ordinal);
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

    private const string MalformedPageId = "0193a3b2c4d57e6f708192a3b4c5d6e7";
    private const string MalformedBase = """{"id":"0193a3b2c4d57e6f708192a3b4c5d6e7","campaignId":"demo","format":3,"shared":SHARED,"decisions":[DECISION]}""";
    private const string WellFormedShared = """{"assets":["headline-a","image-b"],"assetDestinations":[null,"https://shop.example/b"],"baseTicks":17959338151232067}""";
    private const string WellFormedDecision = """{"i":0,"t":5,"c":"Full","ai":[1,0],"p":0.5}""";

    private static byte[] Write(DecisionPageDocument page)
    {
        using var stream = Serializer.ToStream(page);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static DecisionPageDocument Read(byte[] json) => Serializer.FromStream<DecisionPageDocument>(new MemoryStream(json));

    private static int? FormatOf(byte[] json) => JsonDocument.Parse(json).RootElement.TryGetProperty("format", out var format) ? format.GetInt32() : null;

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
    /// A page whose decisions vary in everything the compact formats share or shorten: viewers listed,
    /// absent or not listed in userKeys, assets none or chosen twice, destinations shared, different,
    /// missing or of an asset not chosen, versions, times (the earliest and latest a date holds among
    /// them), offsets, default reasons, features and segments. With <paramref name="foreignDecision"/>, one decision is of another campaign.
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
        string[] chosen = (random.Next(12)) switch
        {
            0 => [],
            1 => [Assets[random.Next(2)], Assets[4], Assets[random.Next(2)]], // an asset may be chosen twice
            _ => [Assets[random.Next(2)], Assets[2 + random.Next(2)], Assets[4], Assets[5]],
        };
        var destinations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var asset in chosen.Where(_ => random.Next(4) > 0))
        {
            destinations[asset] = random.Next(6) == 0 ? $"https://shop.example/{asset}/changed" : $"https://shop.example/{asset}";
        }

        if (random.Next(8) == 0)
        {
            var other = Assets[random.Next(Assets.Length)]; // perhaps not chosen
            destinations[other] = $"https://shop.example/{other}/elsewhere";
        }

        var decidedAt = random.Next(40) switch
        {
            0 => DateTimeOffset.MinValue,
            1 => DateTimeOffset.MaxValue,
            _ => DateTimeOffset.UnixEpoch.AddTicks(17_640_000_000_000_000 + random.NextInt64(1_000_000_000)).ToOffset(TimeSpan.FromMinutes(random.Next(3) == 0 ? 330 : 0)),
        };

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
                DecidedAt = decidedAt,
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
