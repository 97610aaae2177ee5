using BenchmarkDotNet.Attributes;
using Dco.Core.Decisioning;

namespace Dco.Benchmarks;

/// <summary>One decision per invocation, cycling through 64 varied requests; eligibility, choice and propensity included.</summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public class DecisionBenchmarks
{
    private CampaignSnapshot _fiveByTwenty = null!;
    private CampaignSnapshot _fiveByTwentyLinear = null!;
    private CampaignSnapshot _tenByHundred = null!;
    private DecisionRequest[] _requests5 = null!;
    private DecisionRequest[] _requests10 = null!;
    private NaiveEnumeratingDecider _naive = null!;
    private readonly DecisionRandom _random = new(17);
    private int _next;

    [GlobalSetup(Targets = [nameof(Decide5x20), nameof(Decide5x20Naive)])]
    public void SetupFiveByTwenty()
    {
        (_fiveByTwenty, _, _requests5) = BenchmarkCampaigns.Trained(BenchmarkCampaigns.FiveByTwenty());
        _naive = new NaiveEnumeratingDecider(_fiveByTwenty);
    }

    [GlobalSetup(Target = nameof(Decide5x20Linear))]
    public void SetupLinear() =>
        (_fiveByTwentyLinear, _, _requests5) = BenchmarkCampaigns.Trained(BenchmarkCampaigns.FiveByTwenty(PolicyKind.ContextualLinear));

    [GlobalSetup(Target = nameof(Decide10x100))]
    public void SetupTenByHundred() =>
        (_tenByHundred, _, _requests10) = BenchmarkCampaigns.Trained(BenchmarkCampaigns.TenByHundred(), 5_000);

    [Benchmark(Baseline = true, Description = "5x20 factorized TS")]
    public Decision Decide5x20() => _fiveByTwenty.Decide(_requests5[_next++ & 63], _random);

    [Benchmark(Description = "5x20 contextual LinUCB")]
    public Decision Decide5x20Linear() => _fiveByTwentyLinear.Decide(_requests5[_next++ & 63], _random);

    [Benchmark(Description = "10x100 factorized TS")]
    public Decision Decide10x100() => _tenByHundred.Decide(_requests10[_next++ & 63], _random);

    [Benchmark(Description = "5x20 naive enumerate-all")]
    public double Decide5x20Naive() => _naive.Decide(_requests5[_next++ & 63], _random).Propensity;
}
