using System.Diagnostics;
using System.Globalization;
using Dco.Core.Decisioning;

namespace Dco.Benchmarks;

/// <summary>
/// Per-decision latency distribution (BenchmarkDotNet's percentiles are over iteration means, not single
/// calls): times each of N decisions with Stopwatch timestamps after a warm-up and prints p50/p99/p99.9.
/// </summary>
internal static class LatencyProbe
{
    public static void Run(int decisions)
    {
        Report("5x20 factorized TS", BenchmarkCampaigns.Trained(BenchmarkCampaigns.FiveByTwenty()), decisions);
        Report("5x20 contextual LinUCB", BenchmarkCampaigns.Trained(BenchmarkCampaigns.FiveByTwenty(PolicyKind.ContextualLinear)), decisions);
        Report("10x100 factorized TS", BenchmarkCampaigns.Trained(BenchmarkCampaigns.TenByHundred(), 5_000), decisions / 4);
    }

    private static void Report(string name, (CampaignSnapshot Snapshot, CampaignLearner Learner, DecisionRequest[] Requests) setup, int decisions)
    {
        var (snapshot, _, requests) = setup;
        var random = new DecisionRandom(23);
        for (var i = 0; i < 20_000; i++)
        {
            snapshot.Decide(requests[i & 63], random);
        }

        var ticks = new long[decisions];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < decisions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            snapshot.Decide(requests[i & 63], random);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        wall.Stop();
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)decisions;
        Array.Sort(ticks);
        double Micro(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1e6 / Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-24} n={decisions} p50={Micro(0.5):F2} µs p99={Micro(0.99):F2} µs p99.9={Micro(0.999):F2} µs " +
            $"throughput={decisions / wall.Elapsed.TotalSeconds:N0}/s allocated={allocated:F0} B/decision"));
    }
}
