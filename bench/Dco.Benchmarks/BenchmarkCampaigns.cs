using Dco.Core.Decisioning;

namespace Dco.Benchmarks;

/// <summary>The benchmark campaigns of issue 3: 5 slots × 20 assets (20 rules, 30 segments, caps on) and 10 slots × 100 assets.</summary>
public static class BenchmarkCampaigns
{
    public static readonly DateTimeOffset Now = new(2026, 6, 12, 19, 30, 0, TimeSpan.FromHours(2));

    private static readonly string[] Slots5 = ["headline", "image", "cta", "disclaimer", "background"];

    public static CampaignDefinition FiveByTwenty(PolicyKind kind = PolicyKind.FactorizedThompson) => Build(Slots5, 20, kind);

    public static CampaignDefinition TenByHundred(PolicyKind kind = PolicyKind.FactorizedThompson) =>
        Build(Slots5.Concat(["logo", "badge", "subline", "price", "frame"]).ToArray(), 100, kind);

    private static CampaignDefinition Build(string[] slots, int perSlot, PolicyKind kind)
    {
        var definitions = slots.Select(slot => new SlotDefinition
        {
            Name = slot,
            Assets = Enumerable.Range(0, perSlot).Select(i => new AssetDefinition
            {
                Id = $"{slot}-{i}",
                Kind = slot == "image" ? "image" : "text",
                Content = slot == "image" ? $"https://cdn.example/{slot}/{i}.jpg" : $"{slot} copy {i}",
                Tags = Tags(slot, i),
                Attributes = new Dictionary<string, string> { ["sku"] = $"SKU-{i % 10}" },
            }).ToArray(),
        }).ToArray();

        return new CampaignDefinition
        {
            Id = $"bench-{slots.Length}x{perSlot}",
            Version = "1",
            Slots = definitions,
            DefaultCreative = slots.ToDictionary(s => s, s => $"{s}-{perSlot - 1}"),
            Schedule = new FlightSchedule
            {
                Start = Now.AddDays(-10),
                End = Now.AddDays(20),
                Dayparts = [new DaypartWindow { From = new TimeOnly(6, 0), To = new TimeOnly(2, 0) }],
            },
            Rules = Rules(),
            FrequencyCaps =
            [
                new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 3, Window = TimeSpan.FromDays(1) },
                new FrequencyCapDefinition { Scope = CapScope.Combination, MaxImpressions = 1, Window = TimeSpan.FromDays(1) },
                new FrequencyCapDefinition { Scope = CapScope.Campaign, MaxImpressions = 50, Window = TimeSpan.FromDays(1) },
            ],
            Constraints =
            [
                new CompatibilityConstraint
                {
                    Id = "price-claim-needs-legal",
                    Kind = ConstraintKind.Requires,
                    First = new AssetSelector { Slot = "headline", Tags = ["price-claim"] },
                    Second = new AssetSelector { Slot = "disclaimer", Tags = ["legal"] },
                },
                new CompatibilityConstraint
                {
                    Id = "rain-image-not-on-bright-background",
                    Kind = ConstraintKind.NeverTogether,
                    First = new AssetSelector { Slot = "image", Tags = ["rain"] },
                    Second = new AssetSelector { Slot = "background", AssetIds = ["background-0", "background-1", "background-2"] },
                },
            ],
            Policy = new PolicySettings
            {
                Kind = kind,
                ExplorationFloor = 0.05,
                Segments = Enumerable.Range(0, 30).Select(i => $"seg-{i}").ToArray(),
                Interactions = [new SlotPair { First = "headline", Second = "cta" }],
                ProbabilityDraws = 200,
                HalfLife = TimeSpan.FromDays(14),
                FeatureDimensions = 64,
                SignalFeatures = [new SignalFeature { Signal = "weather.precipitation@{geo}", Thresholds = [0.1, 2, 10] }],
            },
        };
    }

    private static string[] Tags(string slot, int i) => slot switch
    {
        "headline" when i < 4 => ["price-claim"],
        "headline" when i == 4 => ["low-stock"],
        "image" when i % 5 == 0 => ["rain"],
        "image" when i % 5 == 1 => ["sun"],
        "cta" when i == 0 => ["promo"],
        "disclaimer" when i < 2 => ["legal"],
        _ => ["generic"],
    };

    private static RuleDefinition[] Rules()
    {
        static CompareCondition Number(string feature, ComparisonOperator op, double value) => new() { Feature = feature, Operator = op, Number = value };
        static CompareCondition Text(string feature, string value) => new() { Feature = feature, Operator = ComparisonOperator.Equal, Text = value };
        static AssetSelector Ids(params string[] ids) => new() { AssetIds = ids };

        return
        [
            new() { Id = "rain-boost", Priority = 50, When = Number("signal.weather.precipitation@{geo}", ComparisonOperator.GreaterThanOrEqual, 2), Action = RuleActionKind.Boost, BoostFactor = 3, Target = new AssetSelector { Slot = "image", Tags = ["rain"] } },
            new() { Id = "sun-boost", Priority = 50, When = Number("signal.weather.precipitation@{geo}", ComparisonOperator.LessThan, 0.5), Action = RuleActionKind.Boost, BoostFactor = 2, Target = new AssetSelector { Slot = "image", Tags = ["sun"] } },
            new() { Id = "out-of-stock", Priority = 100, When = Number("signal.inventory.stock@{asset.sku}", ComparisonOperator.LessThanOrEqual, 0), Action = RuleActionKind.Exclude, Target = new AssetSelector { Slot = "headline" } },
            new() { Id = "low-stock", Priority = 60, When = Number("signal.inventory.stock@SKU-4", ComparisonOperator.LessThan, 10), Action = RuleActionKind.Boost, BoostFactor = 4, Target = new AssetSelector { Slot = "headline", Tags = ["low-stock"] } },
            new() { Id = "promo-pin", Priority = 90, When = Number("signal.promotion.live@SPRING", ComparisonOperator.GreaterThanOrEqual, 1), Action = RuleActionKind.Pin, Target = new AssetSelector { Slot = "cta", Tags = ["promo"] } },
            new() { Id = "mobile-bg", Priority = 10, When = Text("context.device", "mobile"), Action = RuleActionKind.Boost, BoostFactor = 1.5, Target = Ids("background-3", "background-4", "background-5") },
            new() { Id = "desktop-no-bg19", Priority = 10, When = Text("context.device", "desktop"), Action = RuleActionKind.Exclude, Target = Ids("background-19") },
            new() { Id = "sports-image", Priority = 20, When = new InCondition { Feature = "profile.segments", Values = ["seg-1", "seg-2"] }, Action = RuleActionKind.Boost, BoostFactor = 2, Target = Ids("image-3") },
            new() { Id = "seg29-no-h19", Priority = 20, When = new InCondition { Feature = "profile.segments", Values = ["seg-29"] }, Action = RuleActionKind.Exclude, Target = Ids("headline-19") },
            new() { Id = "evening-cta", Priority = 5, When = new TimeWindowCondition { From = new TimeOnly(18, 0), To = new TimeOnly(23, 0) }, Action = RuleActionKind.Boost, BoostFactor = 1.5, Target = Ids("cta-2") },
            new() { Id = "weekend-headline", Priority = 5, When = new InCondition { Feature = "context.dayOfWeek", Values = ["Saturday", "Sunday"] }, Action = RuleActionKind.Boost, BoostFactor = 2, Target = Ids("headline-5") },
            new() { Id = "news-safety", Priority = 80, When = Text("context.pageCategory", "news"), Action = RuleActionKind.Exclude, Target = Ids("image-19") },
            new() { Id = "de-disclaimer", Priority = 5, When = new InCondition { Feature = "context.geo", Values = ["DE-BE", "DE-HH"] }, Action = RuleActionKind.Boost, BoostFactor = 1.3, Target = Ids("disclaimer-2") },
            new() { Id = "anonymous-headline", Priority = 5, When = new NotCondition(new ExistsCondition { Feature = "profile.segments" }), Action = RuleActionKind.Boost, BoostFactor = 1.5, Target = Ids("headline-6") },
            new() { Id = "morning-mobile-or-home", Priority = 5, When = new AnyCondition([new AllCondition([Text("context.device", "mobile"), Number("context.localHour", ComparisonOperator.GreaterThanOrEqual, 7)]), Text("context.placement", "homepage")]), Action = RuleActionKind.Boost, BoostFactor = 1.2, Target = Ids("background-6") },
            new() { Id = "gold-only-headline", Priority = 30, When = Text("context.attributes.loyalty", "gold"), Action = RuleActionKind.Include, Target = Ids("headline-7") },
            new() { Id = "well-stocked", Priority = 40, When = Number("signal.inventory.stock@{asset.sku}", ComparisonOperator.GreaterThan, 100), Action = RuleActionKind.Boost, BoostFactor = 1.2, Target = new AssetSelector { Slot = "headline" } },
            new() { Id = "hot-day-sun", Priority = 40, When = Number("signal.weather.temperature@{geo}", ComparisonOperator.GreaterThan, 25), Action = RuleActionKind.Boost, BoostFactor = 1.5, Target = new AssetSelector { Slot = "image", Tags = ["sun"] } },
            new() { Id = "sidebar-no-cta19", Priority = 10, When = Text("context.placement", "sidebar"), Action = RuleActionKind.Exclude, Target = Ids("cta-19") },
            new() { Id = "night-no-bg10", Priority = 10, When = Number("context.localHour", ComparisonOperator.LessThan, 6), Action = RuleActionKind.Exclude, Target = Ids("background-10") },
        ];
    }

    public static LiveSignals Signals() => new(
        Enumerable.Range(0, 10).Select(i => new SignalValue("inventory.stock", $"SKU-{i}", i == 3 ? 0 : i * 40))
            .Concat([
                new SignalValue("weather.precipitation", "DE-BE", 3.5),
                new SignalValue("weather.precipitation", "DE-HH", 0.2),
                new SignalValue("weather.precipitation", "FR-75", 0),
                new SignalValue("weather.temperature", "DE-BE", 18),
                new SignalValue("weather.temperature", "FR-75", 27),
                new SignalValue("promotion.live", "SPRING", 0),
            ]));

    /// <summary>64 varied requests (segments, geo, device, page, time) with frequency counters that cap an asset and a combination.</summary>
    public static DecisionRequest[] Requests(CampaignDefinition campaign, int count = 64)
    {
        var signals = Signals();
        var random = new Random(42);
        string[] geos = ["DE-BE", "DE-HH", "FR-75", "US-NY"];
        string[] devices = ["mobile", "desktop", "tablet"];
        string[] pages = ["news", "sports", "shopping", "travel"];
        var slots = campaign.Slots;
        var cappedCombination = string.Join('|', slots.Select(s => s.Assets[1].Id));
        return Enumerable.Range(0, count).Select(i => new DecisionRequest
        {
            DecisionId = $"bench-{i}",
            ViewerKey = $"viewer-{i}",
            Consent = i % 10 == 9 ? ConsentLevel.ContextualOnly : ConsentLevel.Full,
            Time = Now.AddMinutes(random.Next(0, 240)),
            Segments = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => $"seg-{random.Next(30)}").Distinct().ToArray(),
            Context = new RequestContext
            {
                Placement = i % 3 == 0 ? "homepage" : "sidebar",
                Device = devices[i % devices.Length],
                Geo = geos[i % geos.Length],
                PageCategory = pages[i % pages.Length],
                Attributes = new Dictionary<string, string> { ["loyalty"] = i % 4 == 0 ? "gold" : "silver" },
            },
            Signals = signals,
            Frequency = new ViewerFrequency
            {
                CampaignImpressions = [Now.AddHours(-1), Now.AddHours(-2), Now.AddHours(-30)],
                Assets =
                [
                    new FrequencyEntry(slots[0].Assets[1].Id, [Now.AddHours(-1), Now.AddHours(-2), Now.AddHours(-3)]),
                    new FrequencyEntry(slots[1].Assets[2].Id, [Now.AddHours(-1)]),
                ],
                Combinations = [new FrequencyEntry(cappedCombination, [Now.AddHours(-4)])],
            },
        }).ToArray();
    }

    /// <summary>A snapshot whose model learned from simulated feedback, so the policy's vectors are not uniform.</summary>
    public static (CampaignSnapshot Snapshot, CampaignLearner Learner, DecisionRequest[] Requests) Trained(CampaignDefinition campaign, int impressions = 20_000)
    {
        var learner = new CampaignLearner(campaign);
        var snapshot = CampaignSnapshot.Create(campaign, learner.BuildModel(Now, 1), 1);
        var requests = Requests(campaign);
        var random = new DecisionRandom(3);
        var world = new Random(5);
        for (var i = 0; i < impressions; i++)
        {
            var request = requests[i % requests.Length] with { DecisionId = $"train-{i}", Frequency = ViewerFrequency.Empty };
            var decision = snapshot.Decide(request, random);
            learner.Apply(decision.Record, new FeedbackEvent($"i-{i}", decision.DecisionId, FeedbackKind.Impression, request.Time));
            var headline = decision.AssetIds[0];
            var ctr = 0.01 + (0.002 * (int.Parse(headline.AsSpan(headline.LastIndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture) % 16));
            if (world.NextDouble() < ctr)
            {
                learner.Apply(decision.Record, new FeedbackEvent($"c-{i}", decision.DecisionId, FeedbackKind.Click, request.Time));
            }
        }

        snapshot = snapshot.WithModel(learner.BuildModel(Now, 2));
        return (snapshot, learner, requests);
    }
}
