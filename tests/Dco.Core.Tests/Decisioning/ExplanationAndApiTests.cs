using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>Explanations, reproducibility, the value-reward policy and input validation.</summary>
public sealed class ExplanationAndApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Explanation_lists_fired_rules_exclusions_scores_modes_and_policy()
    {
        var campaign = TestCampaigns.Campaign(("headline", 3), ("image", 2)).WithPolicy(new PolicySettings
        {
            Kind = PolicyKind.FactorizedThompson,
            ExplorationFloor = 0.2,
            Segments = ["runners"],
        }).WithRules(
            new RuleDefinition { Id = "no-h2", Priority = 5, Description = "brand safety", Action = RuleActionKind.Exclude, Target = new AssetSelector { AssetIds = ["headline-2"] } },
            new RuleDefinition { Id = "boost-i1", Priority = 1, Action = RuleActionKind.Boost, BoostFactor = 4, Target = new AssetSelector { AssetIds = ["image-1"] } },
            new RuleDefinition
            {
                Id = "never", Priority = 9, Action = RuleActionKind.Exclude, Target = new AssetSelector { AssetIds = ["image-0"] },
                When = new CompareCondition { Feature = "context.device", Operator = ComparisonOperator.Equal, Text = "fridge" },
            });
        var snapshot = CampaignSnapshot.Create(campaign);
        var decision = snapshot.Decide(TestCampaigns.Request() with { Segments = ["runners"] }, 12);

        var explanation = decision.Explain();

        Assert.Equal("factorized-thompson", explanation.PolicyName);
        Assert.Equal("1.0", explanation.PolicyVersion);
        Assert.Equal("runners", explanation.ModelSegment);
        Assert.Equal(["no-h2", "boost-i1"], explanation.FiredRules.Select(r => r.RuleId));
        Assert.Equal("brand safety", explanation.FiredRules[0].Description);
        var exclusion = Assert.Single(explanation.Exclusions);
        Assert.Equal(("headline-2", ExclusionReason.ExcludedByRule, "no-h2"), (exclusion.AssetId, exclusion.Reason, exclusion.RuleId));
        Assert.Equal(["headline-0", "headline-1"], explanation.Slots[0].Scores.Select(s => s.AssetId));
        Assert.Equal(4, explanation.Slots[1].Scores.Single(s => s.AssetId == "image-1").Boost);
        Assert.Equal(0.5, explanation.Slots[1].Scores.Single(s => s.AssetId == "image-1").Score, 6);
        Assert.Equal(decision.Propensity, explanation.Slots.Aggregate(1.0, (p, s) => p * s.StepProbability), 12);
        Assert.Equal(0.2, explanation.ExplorationFloor);
        Assert.All(explanation.Slots, s => Assert.True(s.Mode is ChoiceMode.Explore or ChoiceMode.Exploit));
    }

    [Fact]
    public void Exploration_is_recorded_at_the_rate_of_the_floor()
    {
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("headline", 3)).WithPolicy(new PolicySettings { Kind = PolicyKind.FactorizedThompson, ExplorationFloor = 0.3 }));
        var random = new DecisionRandom(5);

        var explored = Enumerable.Range(0, 20_000).Count(i => snapshot.Decide(TestCampaigns.Request($"d{i}"), random).Explain().Slots[0].Mode == ChoiceMode.Explore);

        Assert.InRange(explored / 20_000.0, 0.28, 0.32);
    }

    [Fact]
    public void A_decision_is_reproducible_from_its_id_and_the_snapshot_seed()
    {
        var campaign = TestCampaigns.Campaign(("headline", 10), ("image", 10));
        var first = CampaignSnapshot.Create(campaign, seed: 99);
        var second = CampaignSnapshot.Create(campaign, seed: 99);

        var a = Enumerable.Range(0, 50).Select(i => first.Decide(TestCampaigns.Request($"id-{i}")).CombinationKey).ToArray();
        var b = Enumerable.Range(0, 50).Reverse().Select(i => second.Decide(TestCampaigns.Request($"id-{i}")).CombinationKey).Reverse().ToArray();

        Assert.Equal(a, b);
        Assert.True(a.Distinct().Count() > 30, "different ids should give different draws");
    }

    [Fact]
    public void Thompson_sampling_on_conversion_value_prefers_the_more_valuable_asset()
    {
        var campaign = TestCampaigns.Campaign(("offer", 2)).WithPolicy(new PolicySettings { Kind = PolicyKind.FactorizedThompson, Reward = RewardKind.ConversionValue, ExplorationFloor = 0 });
        var learner = new CampaignLearner(campaign);
        var snapshot = CampaignSnapshot.Create(campaign);
        for (var i = 0; i < 400; i++)
        {
            var offer = $"offer-{i % 2}";
            var record = snapshot.Decide(TestCampaigns.Request($"d{i}"), 1).Record with { AssetIds = [offer] };
            learner.Apply(record, new FeedbackEvent($"i{i}", record.DecisionId, FeedbackKind.Impression, T0));
            if (i % 4 < 2)
            {
                learner.Apply(record, new FeedbackEvent($"v{i}", record.DecisionId, FeedbackKind.Conversion, T0, offer == "offer-1" ? 80 : 20));
            }
        }

        var trained = snapshot.WithModel(learner.BuildModel(T0, 3));

        Assert.True(trained.ProbabilityOf(TestCampaigns.Request(), ["offer-1"]) > 0.95);
    }

    [Fact]
    public void Contextual_policy_shares_ties_uniformly_before_learning()
    {
        var campaign = TestCampaigns.Campaign(("headline", 4)).WithPolicy(new PolicySettings { Kind = PolicyKind.ContextualLinear, ExplorationFloor = 0.1, FeatureDimensions = 8 });

        var snapshot = CampaignSnapshot.Create(campaign);

        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(0.25, snapshot.ProbabilityOf(TestCampaigns.Request(), [$"headline-{i}"]), 12));
    }

    [Fact]
    public void Probability_of_the_default_creative_for_a_default_decision_is_one()
    {
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("headline", 3)));
        var request = TestCampaigns.Request(consent: ConsentLevel.None);

        Assert.Equal(1, snapshot.ProbabilityOf(request, ["headline-0"]));
        Assert.Equal(0, snapshot.ProbabilityOf(request, ["headline-1"]));
    }

    [Fact]
    public void Probability_of_an_unknown_or_misplaced_asset_is_zero()
    {
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("headline", 3), ("cta", 2)).WithPolicy(new PolicySettings { ExplorationFloor = 0.1 }));

        Assert.Equal(0, snapshot.ProbabilityOf(TestCampaigns.Request(), ["headline-9", "cta-0"]));
        Assert.Equal(0, snapshot.ProbabilityOf(TestCampaigns.Request(), ["cta-0", "headline-0"]));
    }

    [Fact]
    public void Probability_of_needs_one_asset_per_slot()
    {
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("headline", 3), ("cta", 2)));

        var error = Assert.Throws<ArgumentException>(() => snapshot.ProbabilityOf(TestCampaigns.Request(), ["headline-0"]));

        Assert.Contains("headline, cta", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_decision_id_is_rejected()
    {
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("headline", 3)));

        Assert.Throws<ArgumentException>(() => snapshot.Decide(TestCampaigns.Request("")));
    }

    [Fact]
    public void Signals_without_a_value_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new LiveSignals([new SignalValue("weather.precipitation", "DE-BE", double.NaN)]));

        Assert.Contains("weather.precipitation@DE-BE", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duplicate asset", "asset id 'headline-0' is used twice")]
    [InlineData("missing default", "the default creative has no asset for slot 'cta'")]
    [InlineData("wrong default slot", "'headline-0', which is not an asset of slot 'cta'")]
    [InlineData("empty slot", "slot 'cta' has no candidate assets")]
    [InlineData("bad floor", "exploration floor must be in [0, 1]")]
    [InlineData("bad flight", "flight ends")]
    public void Invalid_campaigns_are_rejected_with_a_specific_message(string problem, string message)
    {
        var campaign = TestCampaigns.Campaign(("headline", 2), ("cta", 2));
        campaign = problem switch
        {
            "duplicate asset" => campaign.WithAsset("cta", new AssetDefinition { Id = "headline-0" }),
            "missing default" => campaign with { DefaultCreative = new Dictionary<string, string> { ["headline"] = "headline-0" } },
            "wrong default slot" => campaign with { DefaultCreative = new Dictionary<string, string> { ["headline"] = "headline-0", ["cta"] = "headline-0" } },
            "empty slot" => campaign with { Slots = [campaign.Slots[0], campaign.Slots[1] with { Assets = [] }] },
            "bad floor" => campaign.WithPolicy(new PolicySettings { ExplorationFloor = 1.5 }),
            _ => campaign with { Schedule = new FlightSchedule { Start = T0, End = T0.AddDays(-1) } },
        };

        var error = Assert.Throws<CampaignDefinitionException>(() => CampaignSnapshot.Create(campaign));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_integers_are_uniform()
    {
        var random = new DecisionRandom(1);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[random.NextInt(7)]++;
        }

        var chiSquare = counts.Sum(c => Math.Pow(c - 10_000, 2) / 10_000);
        Assert.True(chiSquare < 22.46, $"chi-square {chiSquare:F2} ≥ 22.46 (df 6, p = 0.001)");
    }

    [Theory]
    [InlineData(0.5, 0.5)]
    [InlineData(2, 5)]
    [InlineData(30, 70)]
    public void Beta_draws_have_the_right_mean_and_variance(double a, double b)
    {
        var random = new DecisionRandom(3);
        var draws = Enumerable.Range(0, 40_000).Select(_ => random.NextBeta(a, b)).ToArray();
        var mean = a / (a + b);
        var variance = a * b / ((a + b) * (a + b) * (a + b + 1));

        var standardError = Math.Sqrt(variance / draws.Length);
        Assert.InRange(draws.Average(), mean - (4 * standardError), mean + (4 * standardError));
        Assert.InRange(draws.Select(x => (x - mean) * (x - mean)).Average(), variance * 0.95, variance * 1.05);
    }
}
