using BenchmarkDotNet.Attributes;
using Dco.Core.Decisioning;
using Dco.Core.Decisioning.Engine;

namespace Dco.Benchmarks;

/// <summary>
/// A decision's combination key (what its impression is counted under): joined from its asset ids and looked up in
/// <see cref="PooledKeys"/>, as every decision did, against found by the chosen assets' indices
/// (<see cref="CombinationKeys"/>). Cycles through the combinations of 4,096 decisions of the 5×20 campaign.
/// </summary>
[MemoryDiagnoser]
public class CombinationKeyBenchmarks
{
    private CombinationKeys keys = null!;
    private string[][] assetIds = null!;
    private SlotTrace[][] slots = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        var (snapshot, _, requests) = BenchmarkCampaigns.Trained(BenchmarkCampaigns.FiveByTwenty());
        var random = new DecisionRandom(5);
        var decisions = Enumerable.Range(0, 4096).Select(i => snapshot.Decide(requests[i & 63], random)).ToArray();
        var compiled = snapshot.Compiled;
        keys = compiled.CombinationKeys;
        assetIds = decisions.Select(d => d.AssetIds.ToArray()).ToArray();
        slots = assetIds.Select(ids => ids.Select(id => new SlotTrace(1, compiled.AssetIndex[id], 1, -1, default)).ToArray()).ToArray();
        foreach (var i in Enumerable.Range(0, assetIds.Length))
        {
            keys.For(assetIds[i], slots[i], out _);
        }
    }

    [Benchmark(Baseline = true)]
    public string Joined() => CombinationKeys.Join(assetIds[next++ & 4095], out _);

    [Benchmark]
    public string ByIndices()
    {
        var i = next++ & 4095;
        return keys.For(assetIds[i], slots[i], out _);
    }
}
