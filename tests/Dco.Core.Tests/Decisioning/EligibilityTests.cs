using CsCheck;
using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>Consent levels, schedule, frequency caps and compatibility constraints.</summary>
public sealed class EligibilityTests
{
    private static readonly DateTimeOffset Now = TestCampaigns.Noon;

    private static CampaignDefinition TwoSlots => TestCampaigns.Campaign(("headline", 3), ("disclaimer", 3));

    [Fact]
    public void Decide_returns_default_creative_when_consent_is_none()
    {
        var snapshot = CampaignSnapshot.Create(TwoSlots);

        var decision = snapshot.Decide(TestCampaigns.Request(consent: ConsentLevel.None), 1);

        Assert.True(decision.IsDefault);
        Assert.Equal(DefaultReason.ConsentNone, decision.DefaultReason);
        Assert.Equal(["headline-0", "disclaimer-0"], decision.AssetIds);
        Assert.Equal(1, decision.Propensity);
    }

    [Fact]
    public void Contextual_only_consent_ignores_segments_in_the_model_and_the_features()
    {
        var campaign = TwoSlots.WithPolicy(new PolicySettings { Kind = PolicyKind.FactorizedThompson, Segments = ["runners"] });
        var snapshot = CampaignSnapshot.Create(campaign);
        var request = TestCampaigns.Request(consent: ConsentLevel.ContextualOnly) with { Segments = ["runners"] };

        var withSegments = snapshot.Decide(request, 4);
        var withoutSegments = snapshot.Decide(request with { Segments = [] }, 4);

        Assert.Null(withSegments.Record.ModelSegment);
        Assert.Equal(withoutSegments.Record.Features, withSegments.Record.Features);
        Assert.Equal(withoutSegments.AssetIds, withSegments.AssetIds);
    }

    [Fact]
    public void Full_consent_uses_the_first_policy_segment_the_viewer_belongs_to()
    {
        var campaign = TwoSlots.WithPolicy(new PolicySettings { Kind = PolicyKind.FactorizedThompson, Segments = ["runners", "cyclists"] });
        var snapshot = CampaignSnapshot.Create(campaign);

        var decision = snapshot.Decide(TestCampaigns.Request() with { Segments = ["cyclists", "runners", "other"] }, 4);

        Assert.Equal("runners", decision.Record.ModelSegment);
    }

    [Theory]
    [InlineData(-2, DefaultReason.BeforeFlight)]
    [InlineData(10, DefaultReason.AfterFlight)]
    [InlineData(0, DefaultReason.None)]
    public void Flight_dates_bound_serving(int days, DefaultReason expected)
    {
        var campaign = TwoSlots with { Schedule = new FlightSchedule { Start = Now.AddDays(-1), End = Now.AddDays(5) } };

        var decision = CampaignSnapshot.Create(campaign).Decide(TestCampaigns.Request() with { Time = Now.AddDays(days) }, 1);

        Assert.Equal(expected, decision.DefaultReason);
    }

    [Theory]
    [InlineData(8, DefaultReason.None)]
    [InlineData(20, DefaultReason.OutsideDaypart)]
    [InlineData(23, DefaultReason.None)]
    public void Dayparting_uses_the_viewers_local_time(int localHour, DefaultReason expected)
    {
        var campaign = TwoSlots with
        {
            Schedule = new FlightSchedule
            {
                Dayparts =
                [
                    new DaypartWindow { From = new TimeOnly(7, 0), To = new TimeOnly(10, 0) },
                    new DaypartWindow { From = new TimeOnly(22, 0), To = new TimeOnly(1, 0) },
                ],
            },
        };
        var time = new DateTimeOffset(2026, 6, 10, localHour, 0, 0, TimeSpan.FromHours(9));

        var decision = CampaignSnapshot.Create(campaign).Decide(TestCampaigns.Request() with { Time = time }, 1);

        Assert.Equal(expected, decision.DefaultReason);
    }

    [Fact]
    public void Asset_cap_excludes_an_asset_seen_too_often_within_the_window_only()
    {
        var campaign = TwoSlots with
        {
            FrequencyCaps = [new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 2, Window = TimeSpan.FromHours(24) }],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var recent = TestCampaigns.Request() with
        {
            Frequency = new ViewerFrequency { Assets = [new FrequencyEntry("headline-1", [Now.AddHours(-1), Now.AddHours(-5)])] },
        };
        var old = TestCampaigns.Request() with
        {
            Frequency = new ViewerFrequency { Assets = [new FrequencyEntry("headline-1", [Now.AddHours(-1), Now.AddHours(-30)])] },
        };

        Assert.Equal(0, snapshot.ProbabilityOf(recent, ["headline-1", "disclaimer-0"]));
        Assert.Equal(ExclusionReason.AssetFrequencyCap, snapshot.Decide(recent, 1).Explain().Exclusions.Single().Reason);
        Assert.Equal(1.0 / 9, snapshot.ProbabilityOf(old, ["headline-1", "disclaimer-0"]), 12);
    }

    private static readonly FrequencyCapDefinition[][] CapChoices =
    [
        [],
        [new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 2, Window = TimeSpan.FromHours(24), Assets = new AssetSelector { Slot = "disclaimer" } }],
        [
            new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 1, Window = TimeSpan.FromHours(6), Assets = new AssetSelector { AssetIds = ["headline-2"] } },
            new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 3, Window = TimeSpan.FromDays(1), Assets = new AssetSelector { Slot = "disclaimer" } },
        ],
        [new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 2, Window = TimeSpan.FromHours(24) }],
    ];

    [Fact]
    public void The_asset_cap_scope_counts_exactly_the_assets_some_asset_cap_selects()
    {
        CampaignSnapshot Snapshot(int caps) => CampaignSnapshot.Create(TwoSlots with { FrequencyCaps = CapChoices[caps] });
        string[] all = ["headline-0", "headline-1", "headline-2", "disclaimer-0", "disclaimer-1", "disclaimer-2"];

        Assert.DoesNotContain(all, Snapshot(0).AssetCapScope.Counts);
        Assert.Equal(["disclaimer-0", "disclaimer-1", "disclaimer-2"], all.Where(Snapshot(1).AssetCapScope.Counts));
        Assert.Equal(["headline-2", "disclaimer-0", "disclaimer-1", "disclaimer-2"], all.Where(Snapshot(2).AssetCapScope.Counts));
        Assert.Equal(all, all.Where(Snapshot(3).AssetCapScope.Counts));
        Assert.True(Snapshot(2).AssetCapScope.CountsTheSameAs(Snapshot(2).AssetCapScope));
        Assert.False(Snapshot(1).AssetCapScope.CountsTheSameAs(Snapshot(2).AssetCapScope));
        Assert.False(Snapshot(3).AssetCapScope.CountsTheSameAs(AssetCapScope.None));
    }

    [Fact]
    public void Impressions_of_assets_outside_the_asset_cap_scope_change_no_decision()
    {
        // The viewer state cache keeps per-asset impressions only for the scope's assets: dropping the others
        // must leave every decision, and its propensity, as it was with all of them.
        string[] all = ["headline-0", "headline-1", "headline-2", "disclaimer-0", "disclaimer-1", "disclaimer-2"];
        var ages = Gen.Int[0, 40].Array[0, 4];
        Gen.Select(Gen.Int[0, CapChoices.Length - 1], ages.Array[all.Length], Gen.ULong)
            .Sample((caps, hours, seed) =>
            {
                var snapshot = CampaignSnapshot.Create(TwoSlots with { FrequencyCaps = CapChoices[caps] });
                var entries = all.Select((id, i) => new FrequencyEntry(id, [.. hours[i].OrderDescending().Select(h => Now.AddHours(-h))]))
                    .Where(e => e.Impressions.Count > 0)
                    .ToArray();
                var full = TestCampaigns.Request() with { Frequency = new ViewerFrequency { Assets = entries } };
                var scoped = TestCampaigns.Request() with
                {
                    Frequency = new ViewerFrequency { Assets = [.. entries.Where(e => snapshot.AssetCapScope.Counts(e.Key))] },
                };

                var a = snapshot.Decide(full, new DecisionRandom(seed));
                var b = snapshot.Decide(scoped, new DecisionRandom(seed));
                return a.AssetIds.SequenceEqual(b.AssetIds) && a.Propensity == b.Propensity && a.IsDefault == b.IsDefault;
            }, iter: 1_000);
    }

    [Fact]
    public void Asset_caps_each_count_from_their_own_limit_not_from_the_highest()
    {
        // The engine skips a key held fewer times than the lowest cap allows; each cap still applies at its own limit.
        var campaign = TwoSlots with
        {
            FrequencyCaps =
            [
                new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 3, Window = TimeSpan.FromDays(1) },
                new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 1, Window = TimeSpan.FromDays(1), Assets = new AssetSelector { Slot = "disclaimer" } },
            ],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var request = TestCampaigns.Request() with
        {
            Frequency = new ViewerFrequency
            {
                Assets =
                [
                    new FrequencyEntry("headline-0", [Now.AddHours(-1), Now.AddHours(-2)]),
                    new FrequencyEntry("headline-1", [Now.AddHours(-1), Now.AddHours(-2), Now.AddHours(-3)]),
                    new FrequencyEntry("disclaimer-1", [Now.AddHours(-1)]),
                ],
            },
        };

        Assert.True(snapshot.ProbabilityOf(request, ["headline-0", "disclaimer-0"]) > 0);
        Assert.Equal(0, snapshot.ProbabilityOf(request, ["headline-1", "disclaimer-0"]));
        Assert.Equal(0, snapshot.ProbabilityOf(request, ["headline-0", "disclaimer-1"]));
    }

    [Fact]
    public void Asset_cap_with_a_selector_applies_only_to_the_selected_assets()
    {
        var campaign = TwoSlots with
        {
            FrequencyCaps =
            [
                new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 1, Window = TimeSpan.FromDays(1), Assets = new AssetSelector { Slot = "disclaimer" } },
            ],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var request = TestCampaigns.Request() with
        {
            Frequency = new ViewerFrequency
            {
                Assets = [new FrequencyEntry("headline-1", [Now.AddHours(-1)]), new FrequencyEntry("disclaimer-1", [Now.AddHours(-1)])],
            },
        };

        Assert.True(snapshot.ProbabilityOf(request, ["headline-1", "disclaimer-0"]) > 0);
        Assert.Equal(0, snapshot.ProbabilityOf(request, ["headline-0", "disclaimer-1"]));
    }

    [Fact]
    public void Combination_cap_forbids_only_that_combination_and_keeps_propensities_exact()
    {
        var campaign = TwoSlots with
        {
            FrequencyCaps = [new FrequencyCapDefinition { Scope = CapScope.Combination, MaxImpressions = 1, Window = TimeSpan.FromDays(1) }],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var request = TestCampaigns.Request() with
        {
            Frequency = new ViewerFrequency { Combinations = [new FrequencyEntry("headline-1|disclaimer-1", [Now.AddHours(-2)])] },
        };

        Assert.Equal(0, snapshot.ProbabilityOf(request, ["headline-1", "disclaimer-1"]));
        Assert.Equal(1.0, AllCombinations(snapshot).Sum(c => snapshot.ProbabilityOf(request, c)), 12);
    }

    [Fact]
    public void Campaign_cap_serves_the_default_creative_with_its_reason()
    {
        var campaign = TwoSlots with
        {
            FrequencyCaps = [new FrequencyCapDefinition { Scope = CapScope.Campaign, MaxImpressions = 2, Window = TimeSpan.FromHours(1) }],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var capped = TestCampaigns.Request() with { Frequency = new ViewerFrequency { CampaignImpressions = [Now.AddMinutes(-5), Now.AddMinutes(-50)] } };
        var notCapped = TestCampaigns.Request() with { Frequency = new ViewerFrequency { CampaignImpressions = [Now.AddMinutes(-5), Now.AddMinutes(-70)] } };

        Assert.Equal(DefaultReason.CampaignFrequencyCap, snapshot.Decide(capped, 1).DefaultReason);
        Assert.False(snapshot.Decide(notCapped, 1).IsDefault);
    }

    [Fact]
    public void Never_together_pairs_are_never_chosen_and_propensities_still_sum_to_one()
    {
        var campaign = TwoSlots with
        {
            Constraints =
            [
                new CompatibilityConstraint
                {
                    Id = "no-h1-d2", Kind = ConstraintKind.NeverTogether,
                    First = new AssetSelector { AssetIds = ["headline-1"] }, Second = new AssetSelector { AssetIds = ["disclaimer-2"] },
                },
            ],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var request = TestCampaigns.Request();

        Assert.Equal(0, snapshot.ProbabilityOf(request, ["headline-1", "disclaimer-2"]));
        Assert.Equal(1.0 / 3 * 1.0 / 2, snapshot.ProbabilityOf(request, ["headline-1", "disclaimer-0"]), 12);
        Assert.Equal(1.0, AllCombinations(snapshot).Sum(c => snapshot.ProbabilityOf(request, c)), 12);
    }

    [Fact]
    public void Requires_forces_the_legal_disclaimer_with_a_price_claim_headline()
    {
        var campaign = TwoSlots
            .WithAsset("headline", new AssetDefinition { Id = "price-claim", Tags = ["price-claim"] })
            .WithAsset("disclaimer", new AssetDefinition { Id = "legal", Tags = ["legal"] }) with
        {
            Constraints =
            [
                new CompatibilityConstraint
                {
                    Id = "price-needs-legal", Kind = ConstraintKind.Requires,
                    First = new AssetSelector { Tags = ["price-claim"] }, Second = new AssetSelector { Slot = "disclaimer", Tags = ["legal"] },
                },
            ],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var request = TestCampaigns.Request();

        for (ulong seed = 0; seed < 200; seed++)
        {
            var decision = snapshot.Decide(request, seed);
            if (decision.AssetIds[0] == "price-claim")
            {
                Assert.Equal("legal", decision.AssetIds[1]);
            }
        }

        Assert.Equal(1.0 / 4, snapshot.ProbabilityOf(request, ["price-claim", "legal"]), 12);
        Assert.Equal(1.0, AllCombinations(snapshot).Sum(c => snapshot.ProbabilityOf(request, c)), 12);
    }

    [Fact]
    public void An_asset_with_no_compatible_completion_is_never_chosen_first()
    {
        // headline-2 needs disclaimer-2, which is excluded: headline-2 must not be drawn (no rejection loop).
        var campaign = TwoSlots with
        {
            Constraints =
            [
                new CompatibilityConstraint
                {
                    Id = "h2-needs-d2", Kind = ConstraintKind.Requires,
                    First = new AssetSelector { AssetIds = ["headline-2"] }, Second = new AssetSelector { AssetIds = ["disclaimer-2"] },
                },
            ],
            Rules = [new RuleDefinition { Id = "no-d2", Action = RuleActionKind.Exclude, Target = new AssetSelector { AssetIds = ["disclaimer-2"] } }],
        };
        var snapshot = CampaignSnapshot.Create(campaign);

        var explanation = snapshot.Decide(TestCampaigns.Request(), 3).Explain();

        Assert.Contains(explanation.Exclusions, e => e.AssetId == "headline-2" && e.Reason == ExclusionReason.NoCompatibleCompletion);
        Assert.Equal(1.0 / 2 * 1.0 / 2, snapshot.ProbabilityOf(TestCampaigns.Request(), ["headline-0", "disclaimer-1"]), 12);
    }

    [Fact]
    public void No_eligible_combination_gives_the_default_creative_and_a_reason_not_an_error()
    {
        var campaign = TestCampaigns.Campaign(("headline", 1), ("disclaimer", 2)) with
        {
            Constraints =
            [
                new CompatibilityConstraint
                {
                    Id = "h0-needs-d1", Kind = ConstraintKind.Requires,
                    First = new AssetSelector { AssetIds = ["headline-0"] }, Second = new AssetSelector { AssetIds = ["disclaimer-1"] },
                },
            ],
            FrequencyCaps = [new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 1, Window = TimeSpan.FromDays(1) }],
        };
        var snapshot = CampaignSnapshot.Create(campaign);
        var request = TestCampaigns.Request() with { Frequency = new ViewerFrequency { Assets = [new FrequencyEntry("disclaimer-1", [Now])] } };

        var decision = snapshot.Decide(request, 1);

        Assert.True(decision.IsDefault);
        Assert.Equal(DefaultReason.NoEligibleCombination, decision.DefaultReason);
        Assert.Equal(1, snapshot.ProbabilityOf(request, decision.AssetIds));
    }

    [Fact]
    public void A_slot_emptied_by_rules_gives_the_default_creative()
    {
        var campaign = TwoSlots.WithRules(new RuleDefinition { Id = "all-out", Action = RuleActionKind.Exclude, Target = new AssetSelector { Slot = "disclaimer" } });

        var decision = CampaignSnapshot.Create(campaign).Decide(TestCampaigns.Request(), 1);

        Assert.Equal(DefaultReason.NoEligibleAsset, decision.DefaultReason);
        Assert.Equal(3, decision.Explain().Exclusions.Count);
    }

    [Fact]
    public void A_constraint_within_one_slot_is_rejected()
    {
        var campaign = TwoSlots with
        {
            Constraints =
            [
                new CompatibilityConstraint
                {
                    Id = "self", Kind = ConstraintKind.NeverTogether,
                    First = new AssetSelector { AssetIds = ["headline-0"] }, Second = new AssetSelector { AssetIds = ["headline-1"] },
                },
            ],
        };

        var error = Assert.Throws<CampaignDefinitionException>(() => CampaignSnapshot.Create(campaign));

        Assert.Contains("constraint 'self' relates a slot to itself", error.Message, StringComparison.Ordinal);
    }

    internal static IEnumerable<string[]> AllCombinations(CampaignSnapshot snapshot)
    {
        IEnumerable<string[]> result = [[]];
        foreach (var slot in snapshot.Campaign.Slots)
        {
            result = result.SelectMany(prefix => slot.Assets.Select(a => prefix.Append(a.Id).ToArray())).ToArray();
        }

        return result;
    }
}
