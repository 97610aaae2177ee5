using BenchmarkDotNet.Attributes;
using Dco.Core.Decisioning;

namespace Dco.Benchmarks;

/// <summary>One feedback event per invocation (impressions and clicks alternating, unique ids, dedup set at steady state).</summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public class LearningBenchmarks
{
    private const int Pool = 1 << 18;
    private CampaignLearner _thompson = null!;
    private CampaignLearner _linear = null!;
    private DecisionRecord[] _decisions = null!;
    private DecisionRecord[] _linearDecisions = null!;
    private FeedbackEvent[] _events = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        // Capacity below the pool: ids are forgotten before they come round again, so every call is a real update.
        var campaign = BenchmarkCampaigns.FiveByTwenty();
        campaign = campaign with { Policy = campaign.Policy with { DeduplicationCapacity = Pool / 2 } };
        var linearCampaign = BenchmarkCampaigns.FiveByTwenty(PolicyKind.ContextualLinear);
        linearCampaign = linearCampaign with { Policy = linearCampaign.Policy with { DeduplicationCapacity = Pool / 2 } };
        _thompson = new CampaignLearner(campaign);
        _linear = new CampaignLearner(linearCampaign);
        _decisions = Decisions(campaign);
        _linearDecisions = Decisions(linearCampaign);
        _events = Enumerable.Range(0, Pool)
            .Select(i => new FeedbackEvent($"evt-{i}", _decisions[i & 63].DecisionId, (i & 1) == 0 ? FeedbackKind.Impression : FeedbackKind.Click, BenchmarkCampaigns.Now.AddSeconds(i)))
            .ToArray();
    }

    [Benchmark(Baseline = true, Description = "learn: factorized TS (5x20, pair, 30 segments, decay)")]
    public FeedbackOutcome LearnThompson()
    {
        var i = _next++ & (Pool - 1);
        return _thompson.Apply(_decisions[i & 63], _events[i]);
    }

    [Benchmark(Description = "learn: contextual LinUCB (5x20, d=64)")]
    public FeedbackOutcome LearnLinear()
    {
        var i = _next++ & (Pool - 1);
        return _linear.Apply(_linearDecisions[i & 63], _events[i]);
    }

    private static DecisionRecord[] Decisions(CampaignDefinition campaign)
    {
        var snapshot = CampaignSnapshot.Create(campaign, seed: 1);
        var random = new DecisionRandom(9);
        var records = BenchmarkCampaigns.Requests(campaign)
            .Select(r => snapshot.Decide(r with { Frequency = ViewerFrequency.Empty }, random).Record)
            .ToArray();
        return records.All(r => !r.IsDefault)
            ? records
            : throw new InvalidOperationException("The benchmark requests must give 64 non-default decisions.");
    }
}
