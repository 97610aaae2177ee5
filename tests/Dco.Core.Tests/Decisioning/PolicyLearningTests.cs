using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>Closed-loop checks that the policies learn: a small world with known click rates, fixed seeds.</summary>
public sealed class PolicyLearningTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static CampaignDefinition Campaign(PolicyKind kind, params string[] segments) =>
        TestCampaigns.Campaign(("headline", 5), ("cta", 3)).WithPolicy(new PolicySettings
        {
            Kind = kind,
            ExplorationFloor = 0.05,
            Segments = segments,
            ProbabilityDraws = 400,
            FeatureDimensions = 32,
            UcbAlpha = 0.5,
        });

    /// <summary>Runs n impressions; the click probability comes from <paramref name="ctr"/>(segment, headline, cta); returns the mean click rate of the last 20 %.</summary>
    private static double Run(CampaignDefinition campaign, int n, Func<string, int, int, double> ctr, string[] viewerSegments, ulong seed)
    {
        var learner = new CampaignLearner(campaign);
        var snapshot = CampaignSnapshot.Create(campaign, learner.BuildModel(Start, seed), seed);
        var random = new DecisionRandom(seed);
        var world = new DecisionRandom(seed + 1);
        double clicks = 0;
        var measured = 0;
        for (var i = 0; i < n; i++)
        {
            var segment = viewerSegments[world.NextInt(viewerSegments.Length)];
            var time = Start.AddSeconds(i);
            var request = TestCampaigns.Request($"d{i}") with { Time = time, Segments = [segment] };
            var decision = snapshot.Decide(request, random);
            var headline = int.Parse(decision.AssetIds[0].Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
            var cta = int.Parse(decision.AssetIds[1].Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
            learner.Apply(decision.Record, new FeedbackEvent($"i{i}", decision.DecisionId, FeedbackKind.Impression, time));
            var clicked = world.NextDouble() < ctr(segment, headline, cta);
            if (clicked)
            {
                learner.Apply(decision.Record, new FeedbackEvent($"c{i}", decision.DecisionId, FeedbackKind.Click, time));
            }

            if (i >= n * 0.8)
            {
                clicks += clicked ? 1 : 0;
                measured++;
            }

            if ((i + 1) % 1000 == 0)
            {
                snapshot = snapshot.WithModel(learner.BuildModel(time, seed + (ulong)i));
            }
        }

        return clicks / measured;
    }

    [Fact]
    public void Factorized_thompson_sampling_converges_to_the_best_combination()
    {
        // Best: headline 3 with cta 1 (interaction), CTR 0.12; elsewhere 0.02–0.05.
        static double Ctr(string segment, int h, int c) => h == 3 && c == 1 ? 0.12 : 0.02 + (0.005 * h) + (0.005 * c);
        var campaign = Campaign(PolicyKind.FactorizedThompson) with
        {
            Policy = Campaign(PolicyKind.FactorizedThompson).Policy with { Interactions = [new SlotPair { First = "headline", Second = "cta" }] },
        };

        var ts = Run(campaign, 20_000, Ctr, ["all"], 7);
        var uniform = Run(Campaign(PolicyKind.UniformRandom), 20_000, Ctr, ["all"], 7);

        Assert.True(ts > 0.10, $"Thompson sampling CTR {ts:F4} should approach the best 0.12");
        Assert.True(ts > uniform * 1.5, $"Thompson sampling CTR {ts:F4} vs uniform {uniform:F4}");
    }

    [Fact]
    public void Contextual_policy_learns_a_different_best_headline_per_segment()
    {
        // Segment a likes headline 0, segment b headline 4.
        static double Ctr(string segment, int h, int c) => (segment, h) switch
        {
            ("a", 0) or ("b", 4) => 0.15,
            _ => 0.03,
        };

        var linear = Run(Campaign(PolicyKind.ContextualLinear), 20_000, Ctr, ["a", "b"], 11);
        var uniform = Run(Campaign(PolicyKind.UniformRandom), 20_000, Ctr, ["a", "b"], 11);

        Assert.True(linear > 0.12, $"contextual CTR {linear:F4} should approach 0.15");
        Assert.True(linear > uniform * 2, $"contextual CTR {linear:F4} vs uniform {uniform:F4}");
    }
}
