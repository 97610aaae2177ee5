using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>
/// Logged propensities against empirical choice frequencies: 100 000 decisions per policy with a fixed
/// seed, Pearson's chi-square over all combinations against the 0.1 % critical value.
/// </summary>
public sealed class PropensityStatisticsTests
{
    private const int Decisions = 100_000;
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>3 slots (4 × 3 × 3 = 36 combinations) with a never-together pair, a requirement, a boost, a capped combination and an interaction.</summary>
    private static CampaignDefinition Campaign(PolicyKind kind) => TestCampaigns.Campaign(("headline", 4), ("image", 3), ("cta", 3)) with
    {
        Constraints =
        [
            new CompatibilityConstraint { Id = "n", Kind = ConstraintKind.NeverTogether, First = new AssetSelector { AssetIds = ["headline-1"] }, Second = new AssetSelector { AssetIds = ["image-2"] } },
            new CompatibilityConstraint { Id = "r", Kind = ConstraintKind.Requires, First = new AssetSelector { AssetIds = ["image-0"] }, Second = new AssetSelector { AssetIds = ["cta-0", "cta-1"] } },
        ],
        Rules = [new RuleDefinition { Id = "b", Action = RuleActionKind.Boost, BoostFactor = 2.5, Target = new AssetSelector { AssetIds = ["cta-2", "headline-3"] } }],
        FrequencyCaps = [new FrequencyCapDefinition { Scope = CapScope.Combination, MaxImpressions = 1, Window = TimeSpan.FromDays(1) }],
        Policy = new PolicySettings
        {
            Kind = kind,
            ExplorationFloor = 0.1,
            Segments = ["runners"],
            Interactions = [new SlotPair { First = "headline", Second = "cta" }],
            ProbabilityDraws = 300,
            FeatureDimensions = 16,
            FixedCreative = new Dictionary<string, string> { ["headline"] = "headline-2", ["image"] = "image-1", ["cta"] = "cta-1" },
        },
    };

    /// <summary>A model that learned something, so the policy's probabilities are far from uniform.</summary>
    private static CampaignSnapshot Trained(CampaignDefinition campaign)
    {
        var learner = new CampaignLearner(campaign);
        var snapshot = CampaignSnapshot.Create(campaign, seed: 3);
        var random = new DecisionRandom(8);
        for (var i = 0; i < 3000; i++)
        {
            var decision = snapshot.Decide(Request($"t{i}"), random);
            learner.Apply(decision.Record, new FeedbackEvent($"i{i}", decision.DecisionId, FeedbackKind.Impression, T0));
            var good = decision.AssetIds[0] == "headline-0" || decision.AssetIds[2] == "cta-1";
            if (random.NextDouble() < (good ? 0.3 : 0.05))
            {
                learner.Apply(decision.Record, new FeedbackEvent($"c{i}", decision.DecisionId, FeedbackKind.Click, T0));
            }
        }

        return snapshot.WithModel(learner.BuildModel(T0, 4));
    }

    private static DecisionRequest Request(string id) => TestCampaigns.Request(id) with
    {
        Segments = ["runners"],
        Context = new RequestContext { Device = "mobile", Geo = "DE-BE" },
        Frequency = new ViewerFrequency { Combinations = [new FrequencyEntry("headline-0|image-1|cta-1", [TestCampaigns.Noon.AddHours(-1)])] },
    };

    [Theory]
    [InlineData(PolicyKind.FactorizedThompson)]
    [InlineData(PolicyKind.ContextualLinear)]
    [InlineData(PolicyKind.UniformRandom)]
    [InlineData(PolicyKind.FixedCreative)]
    public void Logged_propensities_match_empirical_frequencies_over_100k_decisions(PolicyKind kind)
    {
        var snapshot = Trained(Campaign(kind));
        var request = Request("d");
        var combinations = EligibilityTests.AllCombinations(snapshot).ToArray();
        var expected = combinations.ToDictionary(c => string.Join('|', c), c => snapshot.ProbabilityOf(request, c));
        var observed = combinations.ToDictionary(c => string.Join('|', c), _ => 0);
        var random = new DecisionRandom(2026);

        for (var i = 0; i < Decisions; i++)
        {
            var decision = snapshot.Decide(request, random);
            observed[decision.CombinationKey]++;
            if (i < 200)
            {
                Assert.Equal(expected[decision.CombinationKey], decision.Propensity, 12);
            }
        }

        Assert.Equal(1.0, expected.Values.Sum(), 9);
        Assert.Equal(0, expected["headline-0|image-1|cta-1"]);
        var cells = expected.Where(e => e.Value > 0).ToArray();
        Assert.All(expected.Where(e => e.Value == 0), e => Assert.Equal(0, observed[e.Key]));
        var chiSquare = cells.Sum(e => Math.Pow(observed[e.Key] - (Decisions * e.Value), 2) / (Decisions * e.Value));
        var critical = ChiSquareQuantile(0.999, cells.Length - 1);
        Assert.True(chiSquare < critical, $"{kind}: chi-square {chiSquare:F1} ≥ critical {critical:F1} (df {cells.Length - 1})");
        Assert.True(cells.Length > 20, $"only {cells.Length} feasible combinations");
    }

    [Fact]
    public void The_chi_square_check_detects_propensities_that_are_off_by_a_few_percent()
    {
        // Power check of the statistic itself: the same counts against probabilities perturbed by ±5 % relative.
        var snapshot = Trained(Campaign(PolicyKind.FactorizedThompson));
        var request = Request("d");
        var combinations = EligibilityTests.AllCombinations(snapshot).Select(c => string.Join('|', c)).ToArray();
        var expected = combinations.ToDictionary(k => k, k => snapshot.ProbabilityOf(request, k.Split('|')));
        var observed = combinations.ToDictionary(k => k, _ => 0);
        var random = new DecisionRandom(7);
        for (var i = 0; i < Decisions; i++)
        {
            observed[snapshot.Decide(request, random).CombinationKey]++;
        }

        var sign = 1;
        var perturbed = expected.ToDictionary(e => e.Key, e => e.Value * (1 + (0.05 * (sign = -sign))));
        var total = perturbed.Values.Sum();
        var cells = perturbed.Where(e => e.Value > 0).ToArray();
        var chiSquare = cells.Sum(e => Math.Pow(observed[e.Key] - (Decisions * e.Value / total), 2) / (Decisions * e.Value / total));

        Assert.True(chiSquare > ChiSquareQuantile(0.999, cells.Length - 1), $"chi-square {chiSquare:F1} did not reject perturbed propensities");
    }

    /// <summary>Wilson–Hilferty approximation of the chi-square quantile (accurate to &lt;1 % for df ≥ 10).</summary>
    private static double ChiSquareQuantile(double p, int df)
    {
        var z = p switch
        {
            0.999 => 3.0902,
            0.99 => 2.3263,
            _ => throw new ArgumentOutOfRangeException(nameof(p)),
        };
        var a = 2.0 / (9 * df);
        return df * Math.Pow(1 - a + (z * Math.Sqrt(a)), 3);
    }
}
