using System.Diagnostics;
using System.Globalization;
using Dco.Core.Decisioning;

namespace Dco.Benchmarks;

/// <summary>
/// Per-decision latency distribution (BenchmarkDotNet's percentiles are over iteration means, not single
/// calls): times each of N decisions with Stopwatch timestamps after a warm-up and prints p50/p99/p99.9,
/// throughput by wall clock and per CPU-second of the process (what one core delivers when it is not
/// shared), and bytes allocated per decision.
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
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < decisions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            snapshot.Decide(requests[i & 63], random);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        wall.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)decisions;
        Array.Sort(ticks);
        double Micro(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1e6 / Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-24} n={decisions} p50={Micro(0.5):F2} µs p99={Micro(0.99):F2} µs p99.9={Micro(0.999):F2} µs " +
            $"throughput={decisions / wall.Elapsed.TotalSeconds:N0}/s wall, {decisions / cpu:N0}/s per CPU-second allocated={allocated:F0} B/decision"));
    }
}

/// <summary>Mean time of the decision's stages, and of variants of the 5×20 campaign without rules, caps or constraints.</summary>
internal static class StageProbe
{
    public static void Run(int n)
    {
        var full = BenchmarkCampaigns.FiveByTwenty();
        (string, CampaignDefinition, bool)[] variants =
        [
            ("full", full, true),
            ("no rules", full with { Rules = [] }, true),
            ("no constraints", full with { Constraints = [] }, true),
            ("no viewer history", full, false),
            ("nothing", full with { Rules = [], Constraints = [], FrequencyCaps = [], Schedule = null }, false),
        ];
        foreach (var (name, campaign, history) in variants)
        {
            var (snapshot, _, requests) = BenchmarkCampaigns.Trained(campaign, 3_000);
            if (!history)
            {
                requests = requests.Select(r => r with { Frequency = ViewerFrequency.Empty }).ToArray();
            }

            var random = new DecisionRandom(1);
            var sc = Dco.Core.Decisioning.Engine.DecisionScratch.For(snapshot.Compiled);
            var best = (Eligibility: double.MaxValue, Choice: double.MaxValue, Full: double.MaxValue);
            for (var round = 0; round < 5; round++)
            {
                var t0 = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    Dco.Core.Decisioning.Engine.DecisionEngine.Eligibility(snapshot, requests[i & 63], sc, out _);
                }

                var t1 = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    Dco.Core.Decisioning.Engine.DecisionEngine.Run(snapshot, requests[i & 63], random, default, sc, out _, out _);
                }

                var t2 = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    snapshot.Decide(requests[i & 63], random);
                }

                var t3 = Stopwatch.GetTimestamp();
                double Ns(long ticks) => ticks * 1e9 / Stopwatch.Frequency / n;
                best = (Math.Min(best.Eligibility, Ns(t1 - t0)), Math.Min(best.Choice, Ns(t2 - t1)), Math.Min(best.Full, Ns(t3 - t2)));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-18} eligibility {best.Eligibility:F0} ns, eligibility+choice {best.Choice:F0} ns, full decision {best.Full:F0} ns (best of 5)"));
        }
    }
}
