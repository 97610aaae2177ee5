using CsCheck;
using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>
/// Property tests: for random campaigns (slots, assets, constraints, caps, exclusion rules, policy) and
/// random requests (consent, segments, device, viewer history), a decision never violates a constraint,
/// a cap or the consent level, and serves the default creative only when no valid combination exists.
/// The checks are written against the definitions directly, not against the engine's compiled form.
/// </summary>
public sealed class DecisionPropertyTests
{
    private static readonly DateTimeOffset Now = TestCampaigns.Noon;

    internal sealed record Case(CampaignDefinition Campaign, DecisionRequest Request, ulong Seed)
    {
        public override string ToString() =>
            $"slots {string.Join('×', Campaign.Slots.Select(s => s.Assets.Count))}, {Campaign.Constraints.Count} constraints, " +
            $"{Campaign.FrequencyCaps.Count} caps, policy {Campaign.Policy.Kind}, consent {Request.Consent}, seed {Seed}";
    }

    private static readonly Gen<Case> Cases =
        from slotSizes in Gen.Int[1, 4].Array[1, 4]
        from shape in Gen.Int[0, int.MaxValue]
        from consent in Gen.Int[0, 2]
        from kind in Gen.Int[0, 3]
        from seed in Gen.ULong
        select Build(slotSizes, shape, (ConsentLevel)consent, (PolicyKind)kind, seed);

    private static Case Build(int[] slotSizes, int shape, ConsentLevel consent, PolicyKind kind, ulong seed)
    {
        var random = new Random(shape);
        var slots = slotSizes.Select((n, s) => ($"s{s}", n)).ToArray();
        var campaign = TestCampaigns.Campaign(slots);
        var assets = campaign.Slots.SelectMany((slot, s) => slot.Assets.Select(a => (Slot: s, a.Id))).ToArray();

        var constraints = new List<CompatibilityConstraint>();
        if (slots.Length > 1)
        {
            for (var i = random.Next(4); i > 0; i--)
            {
                var first = assets[random.Next(assets.Length)];
                var otherSlots = Enumerable.Range(0, slots.Length).Where(s => s != first.Slot).ToArray();
                var secondSlot = otherSlots[random.Next(otherSlots.Length)];
                var second = assets.Where(a => a.Slot == secondSlot && random.Next(2) == 0).Select(a => a.Id).ToArray();
                if (second.Length == 0)
                {
                    second = [assets.First(a => a.Slot == secondSlot).Id];
                }

                constraints.Add(new CompatibilityConstraint
                {
                    Id = $"k{i}",
                    Kind = random.Next(2) == 0 ? ConstraintKind.NeverTogether : ConstraintKind.Requires,
                    First = new AssetSelector { AssetIds = [first.Id] },
                    Second = new AssetSelector { AssetIds = second },
                });
            }
        }

        var caps = new List<FrequencyCapDefinition>();
        if (random.Next(2) == 0)
        {
            caps.Add(new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 1 + random.Next(2), Window = TimeSpan.FromHours(1 + random.Next(3)) });
        }

        if (random.Next(2) == 0)
        {
            caps.Add(new FrequencyCapDefinition { Scope = CapScope.Combination, MaxImpressions = 1, Window = TimeSpan.FromHours(2) });
        }

        if (random.Next(3) == 0)
        {
            caps.Add(new FrequencyCapDefinition { Scope = CapScope.Campaign, MaxImpressions = 1 + random.Next(3), Window = TimeSpan.FromHours(2) });
        }

        var excluded = assets[random.Next(assets.Length)].Id;
        var rules = new[]
        {
            new RuleDefinition
            {
                Id = "mobile-exclude",
                When = new CompareCondition { Feature = "context.device", Operator = ComparisonOperator.Equal, Text = "mobile" },
                Action = RuleActionKind.Exclude,
                Target = new AssetSelector { AssetIds = [excluded] },
            },
            new RuleDefinition
            {
                Id = "segment-boost",
                When = new InCondition { Feature = "profile.segments", Values = ["a"] },
                Action = RuleActionKind.Boost,
                BoostFactor = 0.1 + (random.NextDouble() * 5),
                Target = new AssetSelector { AssetIds = [assets[random.Next(assets.Length)].Id] },
            },
        };

        campaign = campaign with
        {
            Constraints = constraints,
            FrequencyCaps = caps,
            Rules = rules,
            Policy = new PolicySettings
            {
                Kind = kind,
                ExplorationFloor = random.Next(3) * 0.1,
                Segments = ["a", "b"],
                FeatureDimensions = 8,
                ProbabilityDraws = 50,
            },
        };

        DateTimeOffset[] Times() => Enumerable.Range(0, random.Next(4)).Select(_ => Now.AddMinutes(-random.Next(0, 300))).ToArray();
        var request = TestCampaigns.Request() with
        {
            Consent = consent,
            Segments = new[] { "a", "b", "c" }.Where(_ => random.Next(2) == 0).ToArray(),
            Context = new RequestContext { Device = random.Next(2) == 0 ? "mobile" : "desktop" },
            Frequency = new ViewerFrequency
            {
                CampaignImpressions = Times(),
                Assets = assets.Where(_ => random.Next(3) == 0).Select(a => new FrequencyEntry(a.Id, Times())).ToArray(),
                Combinations = Enumerable.Range(0, random.Next(3))
                    .Select(_ => new FrequencyEntry(string.Join('|', campaign.Slots.Select(s => s.Assets[random.Next(s.Assets.Count)].Id)), Times()))
                    .ToArray(),
            },
        };
        return new Case(campaign, request, seed);
    }

    private static int InWindow(IEnumerable<DateTimeOffset> times, TimeSpan window) => times.Count(t => t > Now - window);

    /// <summary>Independent statement of validity, straight from the definitions.</summary>
    private static bool IsValid(Case c, IReadOnlyList<string> chosen)
    {
        var campaign = c.Campaign;
        var request = c.Request;
        if (request.Context.Device == "mobile" && chosen.Contains(campaign.Rules[0].Target.AssetIds![0]))
        {
            return false;
        }

        foreach (var cap in campaign.FrequencyCaps)
        {
            switch (cap.Scope)
            {
                case CapScope.Asset when request.Frequency.Assets.Any(e => chosen.Contains(e.Key) && InWindow(e.Impressions, cap.Window) >= cap.MaxImpressions):
                case CapScope.Combination when request.Frequency.Combinations.Any(e => e.Key == string.Join('|', chosen) && InWindow(e.Impressions, cap.Window) >= cap.MaxImpressions):
                    return false;
            }
        }

        foreach (var constraint in campaign.Constraints)
        {
            var first = constraint.First.AssetIds!;
            var second = constraint.Second.AssetIds!;
            var secondSlot = campaign.Slots.Select((s, i) => (s, i)).Single(x => x.s.Assets.Any(a => a.Id == second[0])).i;
            var hasFirst = chosen.Any(first.Contains);
            var secondOk = constraint.Kind == ConstraintKind.NeverTogether ? !second.Contains(chosen[secondSlot]) : second.Contains(chosen[secondSlot]);
            if (hasFirst && !secondOk)
            {
                return false;
            }
        }

        return true;
    }

    private static bool CampaignCapped(Case c) => c.Campaign.FrequencyCaps.Any(cap =>
        cap.Scope == CapScope.Campaign && InWindow(c.Request.Frequency.CampaignImpressions, cap.Window) >= cap.MaxImpressions);

    [Fact]
    public void A_decision_never_violates_a_constraint_a_cap_or_the_consent_level()
    {
        Cases.Sample(c =>
        {
            var snapshot = CampaignSnapshot.Create(c.Campaign);
            var decision = snapshot.Decide(c.Request, c.Seed);
            if (c.Request.Consent == ConsentLevel.None)
            {
                return decision.DefaultReason == DefaultReason.ConsentNone;
            }

            if (CampaignCapped(c))
            {
                return decision.DefaultReason == DefaultReason.CampaignFrequencyCap;
            }

            if (decision.IsDefault)
            {
                var anyValid = EligibilityTests.AllCombinations(snapshot).Any(combination => IsValid(c, combination));
                return !anyValid && decision.DefaultReason is DefaultReason.NoEligibleAsset or DefaultReason.NoEligibleCombination;
            }

            return IsValid(c, decision.AssetIds)
                && decision.Propensity > 0 && decision.Propensity <= 1
                && Math.Abs(decision.Propensity - snapshot.ProbabilityOf(c.Request, decision.AssetIds)) < 1e-12;
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void Probabilities_of_all_combinations_sum_to_one_and_vanish_on_invalid_ones()
    {
        Cases.Sample(c =>
        {
            var snapshot = CampaignSnapshot.Create(c.Campaign);
            var decision = snapshot.Decide(c.Request, c.Seed);
            if (decision.IsDefault)
            {
                return true;
            }

            var total = 0.0;
            foreach (var combination in EligibilityTests.AllCombinations(snapshot))
            {
                var p = snapshot.ProbabilityOf(c.Request, combination);
                if (p > 0 && !IsValid(c, combination))
                {
                    return false;
                }

                total += p;
            }

            return Math.Abs(total - 1) < 1e-9;
        }, iter: 500, threads: 1);
    }

    [Fact]
    public void Under_contextual_only_consent_segments_change_nothing()
    {
        Cases.Sample(c =>
        {
            var snapshot = CampaignSnapshot.Create(c.Campaign);
            var request = c.Request with { Consent = ConsentLevel.ContextualOnly };
            var with = snapshot.Decide(request, c.Seed);
            var without = snapshot.Decide(request with { Segments = [] }, c.Seed);
            return with.AssetIds.SequenceEqual(without.AssetIds)
                && with.Propensity == without.Propensity
                && with.Record.ModelSegment is null
                && with.Record.Features.SequenceEqual(without.Record.Features);
        }, iter: 500, threads: 1);
    }

    [Fact]
    public void Decisions_are_deterministic_under_a_seed()
    {
        Cases.Sample(c =>
        {
            var snapshot = CampaignSnapshot.Create(c.Campaign);
            var first = snapshot.Decide(c.Request, c.Seed);
            var second = CampaignSnapshot.Create(c.Campaign).Decide(c.Request, c.Seed);
            return first.AssetIds.SequenceEqual(second.AssetIds) && first.Propensity == second.Propensity;
        }, iter: 300, threads: 1);
    }
}
