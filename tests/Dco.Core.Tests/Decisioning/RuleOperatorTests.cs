using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>Every condition operator and rule action, observed through which rules fire and what stays eligible.</summary>
public sealed class RuleOperatorTests
{
    private static readonly CampaignDefinition Base = TestCampaigns.Campaign(("headline", 3), ("image", 3))
        .WithAsset("image", new AssetDefinition { Id = "image-rain", Tags = ["rain"] })
        .WithAsset("headline", new AssetDefinition { Id = "headline-sku", Attributes = new Dictionary<string, string> { ["sku"] = "SKU-1" } });

    private static RuleDefinition ExcludeRain(Condition when, string id = "r") => new()
    {
        Id = id,
        When = when,
        Action = RuleActionKind.Exclude,
        Target = new AssetSelector { AssetIds = ["image-rain"] },
    };

    private static bool Fires(Condition when, DecisionRequest request)
    {
        var snapshot = CampaignSnapshot.Create(Base.WithRules(ExcludeRain(when)));
        var decision = snapshot.Decide(request, 1);
        var fired = decision.Explain().FiredRules.Any(r => r.RuleId == "r");
        var probabilityOfRain = snapshot.ProbabilityOf(request, [decision.AssetIds[0], "image-rain"]);
        Assert.Equal(fired, probabilityOfRain == 0);
        return fired;
    }

    private static DecisionRequest WithSignals(DecisionRequest request, params SignalValue[] values) =>
        request with { Signals = new LiveSignals(values) };

    private static DecisionRequest Rainy(double mm) => WithSignals(
        TestCampaigns.Request() with { Context = new RequestContext { Geo = "DE-BE" } },
        new SignalValue("weather.precipitation", "DE-BE", mm));

    [Theory]
    [InlineData(ComparisonOperator.Equal, 2.0, true)]
    [InlineData(ComparisonOperator.Equal, 2.5, false)]
    [InlineData(ComparisonOperator.NotEqual, 2.5, true)]
    [InlineData(ComparisonOperator.NotEqual, 2.0, false)]
    [InlineData(ComparisonOperator.LessThan, 2.5, true)]
    [InlineData(ComparisonOperator.LessThan, 2.0, false)]
    [InlineData(ComparisonOperator.LessThanOrEqual, 2.0, true)]
    [InlineData(ComparisonOperator.LessThanOrEqual, 1.9, false)]
    [InlineData(ComparisonOperator.GreaterThan, 1.9, true)]
    [InlineData(ComparisonOperator.GreaterThan, 2.0, false)]
    [InlineData(ComparisonOperator.GreaterThanOrEqual, 2.0, true)]
    [InlineData(ComparisonOperator.GreaterThanOrEqual, 2.1, false)]
    public void Numeric_comparison_of_a_geo_keyed_signal_fires_exactly_when_it_holds(ComparisonOperator op, double threshold, bool expected)
    {
        var when = new CompareCondition { Feature = "signal.weather.precipitation@{geo}", Operator = op, Number = threshold };

        Assert.Equal(expected, Fires(when, Rainy(2.0)));
    }

    [Fact]
    public void A_missing_signal_makes_a_comparison_false_whatever_the_operator()
    {
        var when = new CompareCondition { Feature = "signal.weather.precipitation@{geo}", Operator = ComparisonOperator.NotEqual, Number = 5 };

        Assert.False(Fires(when, TestCampaigns.Request() with { Context = new RequestContext { Geo = "FR-75" } }));
    }

    [Theory]
    [InlineData("mobile", ComparisonOperator.Equal, true)]
    [InlineData("MOBILE", ComparisonOperator.Equal, true)]
    [InlineData("desktop", ComparisonOperator.Equal, false)]
    [InlineData("desktop", ComparisonOperator.NotEqual, true)]
    public void Text_comparison_is_case_insensitive(string text, ComparisonOperator op, bool expected)
    {
        var when = new CompareCondition { Feature = "context.device", Operator = op, Text = text };

        Assert.Equal(expected, Fires(when, TestCampaigns.Request() with { Context = new RequestContext { Device = "Mobile" } }));
    }

    [Fact]
    public void Custom_attributes_compare_as_numbers_when_given_a_number()
    {
        var when = new CompareCondition { Feature = "context.attributes.basketValue", Operator = ComparisonOperator.GreaterThan, Number = 100 };
        var request = TestCampaigns.Request() with { Context = new RequestContext { Attributes = new Dictionary<string, string> { ["basketValue"] = "120.5" } } };

        Assert.True(Fires(when, request));
    }

    [Fact]
    public void Set_membership_matches_any_of_the_viewers_segments()
    {
        var when = new InCondition { Feature = "profile.segments", Values = ["runners", "cyclists"] };

        Assert.True(Fires(when, TestCampaigns.Request() with { Segments = ["swimmers", "cyclists"] }));
        Assert.False(Fires(when, TestCampaigns.Request() with { Segments = ["swimmers"] }));
    }

    [Fact]
    public void Segments_are_invisible_to_rules_under_contextual_only_consent()
    {
        var when = new InCondition { Feature = "profile.segments", Values = ["runners"] };

        Assert.False(Fires(when, TestCampaigns.Request(consent: ConsentLevel.ContextualOnly) with { Segments = ["runners"] }));
    }

    [Fact]
    public void Set_membership_on_a_context_field()
    {
        var when = new InCondition { Feature = "context.pageCategory", Values = ["news", "politics"] };

        Assert.True(Fires(when, TestCampaigns.Request() with { Context = new RequestContext { PageCategory = "news" } }));
        Assert.False(Fires(when, TestCampaigns.Request() with { Context = new RequestContext { PageCategory = "sports" } }));
    }

    [Fact]
    public void Exists_holds_only_when_the_feature_is_present()
    {
        var when = new ExistsCondition { Feature = "signal.promotion.live@SPRING" };

        Assert.True(Fires(when, WithSignals(TestCampaigns.Request(), new SignalValue("promotion.live", "SPRING", 1))));
        Assert.False(Fires(when, TestCampaigns.Request()));
    }

    [Theory]
    [InlineData(12, 0, true)]
    [InlineData(17, 59, true)]
    [InlineData(18, 0, false)]
    [InlineData(8, 59, false)]
    public void Time_window_is_half_open_in_local_time(int hour, int minute, bool expected)
    {
        var when = new TimeWindowCondition { From = new TimeOnly(9, 0), To = new TimeOnly(18, 0) };
        var time = new DateTimeOffset(2026, 6, 10, hour, minute, 0, TimeSpan.FromHours(2));

        Assert.Equal(expected, Fires(when, TestCampaigns.Request() with { Time = time }));
    }

    [Theory]
    [InlineData(23, true)]
    [InlineData(1, true)]
    [InlineData(12, false)]
    public void Time_window_wraps_past_midnight(int hour, bool expected)
    {
        var when = new TimeWindowCondition { From = new TimeOnly(22, 0), To = new TimeOnly(2, 0) };
        var time = new DateTimeOffset(2026, 6, 10, hour, 0, 0, TimeSpan.FromHours(-5));

        Assert.Equal(expected, Fires(when, TestCampaigns.Request() with { Time = time }));
    }

    [Fact]
    public void Time_window_days_restrict_to_those_weekdays()
    {
        var when = new TimeWindowCondition { From = new TimeOnly(0, 0), To = new TimeOnly(23, 59), Days = [DayOfWeek.Saturday, DayOfWeek.Sunday] };
        var wednesday = new DateTimeOffset(2026, 6, 10, 12, 0, 0, TimeSpan.Zero);

        Assert.False(Fires(when, TestCampaigns.Request() with { Time = wednesday }));
        Assert.True(Fires(when, TestCampaigns.Request() with { Time = wednesday.AddDays(3) }));
    }

    [Fact]
    public void Local_hour_is_a_number_feature()
    {
        var when = new CompareCondition { Feature = "context.localHour", Operator = ComparisonOperator.GreaterThanOrEqual, Number = 12 };

        Assert.True(Fires(when, TestCampaigns.Request()));
    }

    [Fact]
    public void All_any_and_not_combine_conditions()
    {
        var mobile = new CompareCondition { Feature = "context.device", Operator = ComparisonOperator.Equal, Text = "mobile" };
        var news = new CompareCondition { Feature = "context.pageCategory", Operator = ComparisonOperator.Equal, Text = "news" };
        var request = TestCampaigns.Request() with { Context = new RequestContext { Device = "mobile", PageCategory = "sports" } };

        Assert.False(Fires(new AllCondition([mobile, news]), request));
        Assert.True(Fires(new AnyCondition([mobile, news]), request));
        Assert.True(Fires(new NotCondition(news), request));
        Assert.True(Fires(new AllCondition([]), request));
        Assert.False(Fires(new AnyCondition([]), request));
    }

    [Fact]
    public void Out_of_stock_sku_excludes_only_the_assets_of_that_sku()
    {
        var rule = new RuleDefinition
        {
            Id = "oos",
            Priority = 100,
            When = new CompareCondition { Feature = "signal.inventory.stock@{asset.sku}", Operator = ComparisonOperator.LessThanOrEqual, Number = 0 },
            Action = RuleActionKind.Exclude,
            Target = new AssetSelector { Slot = "headline" },
        };
        var snapshot = CampaignSnapshot.Create(Base.WithRules(rule));
        var request = WithSignals(TestCampaigns.Request(), new SignalValue("inventory.stock", "SKU-1", 0));

        var explanation = snapshot.Decide(request, 3).Explain();

        var exclusion = Assert.Single(explanation.Exclusions);
        Assert.Equal(("headline-sku", ExclusionReason.ExcludedByRule, "oos"), (exclusion.AssetId, exclusion.Reason, exclusion.RuleId));
        Assert.Equal(0, snapshot.ProbabilityOf(request, ["headline-sku", "image-0"]));
        Assert.True(snapshot.ProbabilityOf(request with { Signals = new LiveSignals([new SignalValue("inventory.stock", "SKU-1", 5)]) }, ["headline-sku", "image-0"]) > 0);
    }

    [Fact]
    public void Boost_reweights_thompson_sampling_exactly()
    {
        var campaign = TestCampaigns.Campaign(("image", 2)).WithPolicy(new PolicySettings { Kind = PolicyKind.FactorizedThompson, ExplorationFloor = 0 })
            .WithRules(new RuleDefinition { Id = "rain", Action = RuleActionKind.Boost, BoostFactor = 3, Target = new AssetSelector { AssetIds = ["image-1"] } });
        var snapshot = CampaignSnapshot.Create(campaign);

        Assert.Equal(0.75, snapshot.ProbabilityOf(TestCampaigns.Request(), ["image-1"]), 6);
        Assert.Equal(0.25, snapshot.ProbabilityOf(TestCampaigns.Request(), ["image-0"]), 6);
    }

    [Fact]
    public void Include_gates_its_targets_until_an_include_rule_fires()
    {
        var gold = new CompareCondition { Feature = "context.attributes.loyalty", Operator = ComparisonOperator.Equal, Text = "gold" };
        var snapshot = CampaignSnapshot.Create(Base.WithRules(new RuleDefinition
        {
            Id = "gold-only", When = gold, Action = RuleActionKind.Include, Target = new AssetSelector { AssetIds = ["image-rain"] },
        }));
        var silver = TestCampaigns.Request() with { Context = new RequestContext { Attributes = new Dictionary<string, string> { ["loyalty"] = "silver" } } };
        var goldRequest = TestCampaigns.Request() with { Context = new RequestContext { Attributes = new Dictionary<string, string> { ["loyalty"] = "gold" } } };

        Assert.Equal(0, snapshot.ProbabilityOf(silver, ["headline-0", "image-rain"]));
        Assert.Equal(ExclusionReason.NotIncluded, snapshot.Decide(silver, 1).Explain().Exclusions.Single().Reason);
        Assert.True(snapshot.ProbabilityOf(goldRequest, ["headline-0", "image-rain"]) > 0);
    }

    [Fact]
    public void Higher_priority_wins_between_include_and_exclude()
    {
        var include = new RuleDefinition { Id = "inc", Priority = 10, Action = RuleActionKind.Include, Target = new AssetSelector { AssetIds = ["image-rain"] } };
        var exclude = new RuleDefinition { Id = "exc", Priority = 5, Action = RuleActionKind.Exclude, Target = new AssetSelector { AssetIds = ["image-rain"] } };

        var includeWins = CampaignSnapshot.Create(Base.WithRules(include, exclude));
        var excludeWins = CampaignSnapshot.Create(Base.WithRules(include with { Priority = 1 }, exclude));

        Assert.True(includeWins.ProbabilityOf(TestCampaigns.Request(), ["headline-0", "image-rain"]) > 0);
        Assert.Equal(0, excludeWins.ProbabilityOf(TestCampaigns.Request(), ["headline-0", "image-rain"]));
    }

    [Fact]
    public void Pin_restricts_the_slot_to_the_pinned_asset_while_the_promotion_is_live()
    {
        var pin = new RuleDefinition
        {
            Id = "promo",
            When = new CompareCondition { Feature = "signal.promotion.live@SPRING", Operator = ComparisonOperator.GreaterThanOrEqual, Number = 1 },
            Action = RuleActionKind.Pin,
            Target = new AssetSelector { Tags = ["rain"] },
        };
        var snapshot = CampaignSnapshot.Create(Base.WithRules(pin));
        var live = WithSignals(TestCampaigns.Request(), new SignalValue("promotion.live", "SPRING", 1));

        var decision = snapshot.Decide(live, 5);

        Assert.Equal("image-rain", decision.AssetIds[1]);
        Assert.Equal("promo", decision.Explain().Slots[1].PinnedBy);
        Assert.Equal(1.0 / 4, decision.Propensity, 12);
        Assert.NotEqual(1.0, snapshot.ProbabilityOf(TestCampaigns.Request(), ["headline-0", "image-rain"]) * 4);
    }

    [Fact]
    public void A_pin_whose_assets_are_all_excluded_is_ignored()
    {
        var pin = new RuleDefinition { Id = "pin", Priority = 1, Action = RuleActionKind.Pin, Target = new AssetSelector { AssetIds = ["image-rain"] } };
        var exclude = new RuleDefinition { Id = "exc", Priority = 2, Action = RuleActionKind.Exclude, Target = new AssetSelector { AssetIds = ["image-rain"] } };
        var snapshot = CampaignSnapshot.Create(Base.WithRules(pin, exclude));

        var decision = snapshot.Decide(TestCampaigns.Request(), 2);

        Assert.False(decision.IsDefault);
        Assert.Null(decision.Explain().Slots[1].PinnedBy);
        Assert.Equal(1.0 / 12, decision.Propensity, 12);
    }

    [Theory]
    [InlineData("context.nope", "unknown feature 'context.nope'")]
    [InlineData("signal.weather", "must read signal.NAME@KEY")]
    [InlineData("signal.stock@{viewer}", "unknown signal key")]
    public void Invalid_feature_paths_are_rejected_with_a_message_naming_the_rule(string feature, string message)
    {
        var rule = ExcludeRain(new CompareCondition { Feature = feature, Operator = ComparisonOperator.Equal, Number = 1 }, "bad-rule");

        var error = Assert.Throws<CampaignDefinitionException>(() => CampaignSnapshot.Create(Base.WithRules(rule)));

        Assert.Contains("bad-rule", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordering_comparison_on_text_is_rejected()
    {
        var rule = ExcludeRain(new CompareCondition { Feature = "context.device", Operator = ComparisonOperator.LessThan, Text = "m" });

        var error = Assert.Throws<CampaignDefinitionException>(() => CampaignSnapshot.Create(Base.WithRules(rule)));

        Assert.Contains("only Equal and NotEqual", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_selector_that_matches_nothing_is_rejected()
    {
        var rule = new RuleDefinition { Id = "typo", Action = RuleActionKind.Exclude, Target = new AssetSelector { Tags = ["rian"] } };

        var error = Assert.Throws<CampaignDefinitionException>(() => CampaignSnapshot.Create(Base.WithRules(rule)));

        Assert.Contains("rule 'typo' selects no asset", error.Message, StringComparison.Ordinal);
    }
}
