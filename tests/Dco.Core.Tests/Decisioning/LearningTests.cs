using System.Text.Json;
using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>Idempotency, order independence, discounting and serialization of the learner.</summary>
public sealed class LearningTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static CampaignDefinition Campaign(PolicyKind kind = PolicyKind.FactorizedThompson, TimeSpan? halfLife = null) =>
        TestCampaigns.Campaign(("headline", 3), ("cta", 2)).WithPolicy(new PolicySettings
        {
            Kind = kind,
            Segments = ["runners"],
            Interactions = [new SlotPair { First = "headline", Second = "cta" }],
            HalfLife = halfLife,
            FeatureDimensions = 16,
            ProbabilityDraws = 200,
        });

    private static DecisionRecord Record(CampaignDefinition campaign, string id, string segment = "runners", string headline = "headline-1")
    {
        var snapshot = CampaignSnapshot.Create(campaign);
        var decision = snapshot.Decide(TestCampaigns.Request(id) with { Segments = [segment], Context = new RequestContext { Device = "mobile" } }, 1);
        return decision.Record with { AssetIds = [headline, "cta-0"] };
    }

    private static RewardCellDocument Cell(CampaignLearner learner, string segment, string asset) =>
        learner.Export().Cells.Single(c => c.Segment == segment && c.AssetId == asset && c.PartnerAssetId is null);

    [Fact]
    public void Applying_the_same_event_twice_counts_it_once()
    {
        var campaign = Campaign();
        var learner = new CampaignLearner(campaign);
        var record = Record(campaign, "d1");
        var click = new FeedbackEvent("e1", "d1", FeedbackKind.Click, T0);

        Assert.Equal(FeedbackOutcome.Applied, learner.Apply(record, click));
        Assert.Equal(FeedbackOutcome.Duplicate, learner.Apply(record, click));
        Assert.Equal(1, Cell(learner, "runners", "headline-1").Clicks);
        Assert.Equal(1, Cell(learner, "*", "headline-1").Clicks);
        Assert.Equal(1, learner.Version);
    }

    [Fact]
    public void Events_in_any_order_give_the_same_state()
    {
        var campaign = Campaign(halfLife: TimeSpan.FromHours(6));
        var events = Enumerable.Range(0, 40).Select(i => (
            Record: Record(campaign, $"d{i % 7}", headline: $"headline-{i % 3}"),
            Event: new FeedbackEvent($"e{i}", $"d{i % 7}", i % 4 == 0 ? FeedbackKind.Click : FeedbackKind.Impression, T0.AddMinutes(i * 17)))).ToArray();
        var inOrder = new CampaignLearner(campaign);
        var shuffled = new CampaignLearner(campaign);

        foreach (var (record, e) in events)
        {
            inOrder.Apply(record, e);
        }

        var order = new Random(3);
        foreach (var (record, e) in events.OrderBy(_ => order.Next()))
        {
            shuffled.Apply(record, e);
        }

        var a = inOrder.Export().Cells.OrderBy(c => (c.Segment, c.AssetId, c.PartnerAssetId)).ToArray();
        var b = shuffled.Export().Cells.OrderBy(c => (c.Segment, c.AssetId, c.PartnerAssetId)).ToArray();
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].Impressions, b[i].Impressions, 9);
            Assert.Equal(a[i].Clicks, b[i].Clicks, 9);
        }
    }

    [Fact]
    public void Evidence_halves_after_one_half_life()
    {
        var campaign = Campaign(halfLife: TimeSpan.FromHours(10));
        var learner = new CampaignLearner(campaign);
        var record = Record(campaign, "d1");

        learner.Apply(record, new FeedbackEvent("e1", "d1", FeedbackKind.Impression, T0));
        learner.Apply(record, new FeedbackEvent("e2", "d1", FeedbackKind.Impression, T0.AddHours(10)));

        Assert.Equal(1.5, Cell(learner, "runners", "headline-1").Impressions, 9);
    }

    [Fact]
    public void A_late_event_counts_with_the_weight_of_its_own_time()
    {
        var campaign = Campaign(halfLife: TimeSpan.FromHours(10));
        var learner = new CampaignLearner(campaign);
        var record = Record(campaign, "d1");

        learner.Apply(record, new FeedbackEvent("e2", "d1", FeedbackKind.Impression, T0.AddHours(10)));
        learner.Apply(record, new FeedbackEvent("e1", "d1", FeedbackKind.Impression, T0));

        Assert.Equal(1.5, Cell(learner, "runners", "headline-1").Impressions, 9);
    }

    [Fact]
    public void Events_older_than_the_deduplication_window_are_refused()
    {
        var campaign = Campaign() with { Policy = Campaign().Policy with { DeduplicationWindow = TimeSpan.FromDays(1) } };
        var learner = new CampaignLearner(campaign);
        var record = Record(campaign, "d1");

        learner.Apply(record, new FeedbackEvent("new", "d1", FeedbackKind.Impression, T0.AddDays(3)));

        Assert.Equal(FeedbackOutcome.TooOld, learner.Apply(record, new FeedbackEvent("old", "d1", FeedbackKind.Impression, T0)));
    }

    [Fact]
    public void Forgotten_event_ids_are_bounded_by_the_capacity()
    {
        var campaign = Campaign() with { Policy = Campaign().Policy with { DeduplicationCapacity = 2 } };
        var learner = new CampaignLearner(campaign);
        var record = Record(campaign, "d1");
        foreach (var id in new[] { "a", "b", "c" })
        {
            learner.Apply(record, new FeedbackEvent(id, "d1", FeedbackKind.Impression, T0));
        }

        Assert.Equal(["b", "c"], learner.Export().SeenEventIds);
        Assert.Equal(FeedbackOutcome.Duplicate, learner.Apply(record, new FeedbackEvent("c", "d1", FeedbackKind.Impression, T0)));
    }

    [Fact]
    public void Default_creative_decisions_are_not_learned_from()
    {
        var campaign = Campaign();
        var learner = new CampaignLearner(campaign);
        var record = CampaignSnapshot.Create(campaign).Decide(TestCampaigns.Request(consent: ConsentLevel.None), 1).Record;

        Assert.Equal(FeedbackOutcome.NotLearnable, learner.Apply(record, new FeedbackEvent("e", "d1", FeedbackKind.Click, T0)));
    }

    [Fact]
    public void An_event_for_another_decision_is_rejected_with_both_ids_in_the_message()
    {
        var campaign = Campaign();
        var learner = new CampaignLearner(campaign);

        var error = Assert.Throws<ArgumentException>(() => learner.Apply(Record(campaign, "d1"), new FeedbackEvent("e", "d2", FeedbackKind.Click, T0)));

        Assert.Contains("d2", error.Message, StringComparison.Ordinal);
        Assert.Contains("d1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PolicyKind.FactorizedThompson)]
    [InlineData(PolicyKind.ContextualLinear)]
    public void Learner_state_survives_a_json_round_trip_and_builds_the_same_model(PolicyKind kind)
    {
        var campaign = Campaign(kind, TimeSpan.FromDays(3));
        var learner = new CampaignLearner(campaign);
        for (var i = 0; i < 60; i++)
        {
            var record = Record(campaign, $"d{i}", i % 2 == 0 ? "runners" : "other", $"headline-{i % 3}");
            learner.Apply(record, new FeedbackEvent($"i{i}", record.DecisionId, FeedbackKind.Impression, T0.AddMinutes(i)));
            if (i % 3 == 0)
            {
                learner.Apply(record, new FeedbackEvent($"c{i}", record.DecisionId, FeedbackKind.Click, T0.AddMinutes(i)));
            }
        }

        var json = JsonSerializer.Serialize(learner.Export(), DecisioningJsonContext.Default.LearnerStateDocument);
        var restored = CampaignLearner.Import(campaign, JsonSerializer.Deserialize(json, DecisioningJsonContext.Default.LearnerStateDocument)!);

        Assert.Equal(json, JsonSerializer.Serialize(restored.Export(), DecisioningJsonContext.Default.LearnerStateDocument));
        var request = TestCampaigns.Request() with { Segments = ["runners"], Context = new RequestContext { Device = "mobile" } };
        var original = CampaignSnapshot.Create(campaign, learner.BuildModel(T0.AddHours(2), 5));
        var copy = CampaignSnapshot.Create(campaign, restored.BuildModel(T0.AddHours(2), 5));
        foreach (var combination in EligibilityTests.AllCombinations(original))
        {
            Assert.Equal(original.ProbabilityOf(request, combination), copy.ProbabilityOf(request, combination), 12);
        }

        Assert.Equal(FeedbackOutcome.Duplicate, restored.Apply(Record(campaign, "d0"), new FeedbackEvent("i0", "d0", FeedbackKind.Impression, T0)));
    }

    [Fact]
    public void State_of_another_campaign_cannot_be_loaded()
    {
        var state = new CampaignLearner(Campaign()).Export() with { CampaignId = "other" };

        Assert.Throws<ArgumentException>(() => CampaignLearner.Import(Campaign(), state));
    }

    [Fact]
    public void A_model_of_another_configuration_is_refused_by_the_snapshot()
    {
        var model = new CampaignLearner(Campaign()).BuildModel(T0, 1);
        var changed = Campaign().WithAsset("cta", new AssetDefinition { Id = "cta-new" });

        var error = Assert.Throws<ArgumentException>(() => CampaignSnapshot.Create(changed, model));

        Assert.Contains("another configuration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Campaign_definitions_round_trip_through_json_with_polymorphic_conditions()
    {
        var campaign = Campaign().WithRules(new RuleDefinition
        {
            Id = "r",
            When = new AllCondition([
                new NotCondition(new InCondition { Feature = "context.geo", Values = ["DE-BE"] }),
                new CompareCondition { Feature = "signal.weather.precipitation@{geo}", Operator = ComparisonOperator.GreaterThanOrEqual, Number = 2 },
                new TimeWindowCondition { From = new TimeOnly(9, 0), To = new TimeOnly(17, 0), Days = [DayOfWeek.Monday] },
            ]),
            Action = RuleActionKind.Boost,
            Target = new AssetSelector { Slot = "cta" },
        });

        var json = JsonSerializer.Serialize(campaign, DecisioningJsonContext.Default.CampaignDefinition);
        var back = JsonSerializer.Deserialize(json, DecisioningJsonContext.Default.CampaignDefinition)!;

        Assert.Contains("\"type\":\"all\"", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Serialize(back, DecisioningJsonContext.Default.CampaignDefinition));
        var request = TestCampaigns.Request() with { Context = new RequestContext { Geo = "FR-75" }, Signals = new LiveSignals([new SignalValue("weather.precipitation", "FR-75", 3)]), Time = new DateTimeOffset(2026, 6, 8, 10, 0, 0, TimeSpan.Zero) };
        Assert.Equal("r", CampaignSnapshot.Create(back).Decide(request, 1).Explain().FiredRules.Single().RuleId);
    }

    [Fact]
    public void Decision_records_round_trip_through_json()
    {
        var record = CampaignSnapshot.Create(Campaign()).Decide(TestCampaigns.Request() with { Segments = ["runners"] }, 3).Record;

        var json = JsonSerializer.Serialize(record, DecisioningJsonContext.Default.DecisionRecord);
        var back = JsonSerializer.Deserialize(json, DecisioningJsonContext.Default.DecisionRecord)!;

        Assert.Equal(record.AssetIds, back.AssetIds);
        Assert.Equal(record.Features, back.Features);
        Assert.Equal(record.Propensity, back.Propensity);
        Assert.Equal(record.ModelSegment, back.ModelSegment);
    }
}
