using System.Diagnostics;

namespace Dco.Core.Simulation;

public sealed record SimulationOptions
{
    public required int Impressions { get; init; }

    /// <summary>Seeds the traffic (segments, weather, click and conversion draws) and, offset per policy, each policy.</summary>
    public int Seed { get; init; }

    /// <summary>Checkpoints of the cumulative CTR series.</summary>
    public int ChartPoints { get; init; } = 200;

    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Simulated time between impressions.</summary>
    public TimeSpan ImpressionInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often progress is reported, in impressions.</summary>
    public int ProgressEvery { get; init; } = 2_000;
}

/// <summary>
/// Runs policies side by side on the same simulated traffic. Every policy and the oracle face the
/// same viewers, weather and random draws (common random numbers), so differences between them
/// come from their choices, not from luck of the draw.
/// </summary>
public sealed class Simulator(SimulatedWorld world)
{
    public const string OracleName = "oracle";

    public SimulatedWorld World { get; } = world;

    public SimulationReport Run(
        IReadOnlyList<ISimulatedPolicy> policies,
        SimulationOptions options,
        IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Impressions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChartPoints, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProgressEvery, 1);
        var names = policies.Select(p => p.Name).Append(OracleName).ToList();
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two policies are named '{duplicate.Key}'; names must be unique and not '{OracleName}'.", nameof(policies));
        }

        var all = policies.Append(new OraclePolicy(World)).ToArray();
        var trackers = all.Select(_ => new Tracker()).ToArray();
        var eligible = new bool[World.Combinations.Count];
        foreach (var c in World.EligibleCombinations)
        {
            eligible[c] = true;
        }

        var shiftAt = (int)Math.Round(options.Impressions * World.Scenario.ShiftAtFraction);
        var traffic = new Random(options.Seed);
        var weather = Draw(traffic, World.WeatherShares);
        var redrawWeather = 1 / World.Scenario.MeanWeatherSpellImpressions;
        var stayConverting = 1 - (1 / World.Scenario.MeanConversionDelayImpressions);
        var checkpoint = Math.Max(1, options.Impressions / options.ChartPoints);
        var points = new List<CumulativeCtrPoint>();
        var stopwatch = new Stopwatch();

        for (var t = 0; t < options.Impressions; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (traffic.NextDouble() < redrawWeather)
            {
                weather = Draw(traffic, World.WeatherShares);
            }

            var time = options.Start + (options.ImpressionInterval * t);
            var impression = new SimulatedImpression(t, Draw(traffic, World.SegmentShares), weather, t < shiftAt ? 0 : 1, time);
            double clickDraw = traffic.NextDouble(), conversionDraw = traffic.NextDouble(), delayDraw = traffic.NextDouble();
            var delay = 1 + (int)Math.Floor(Math.Log(1 - delayDraw) / Math.Log(stayConverting));

            for (var i = 0; i < all.Length; i++)
            {
                var policy = all[i];
                var tracker = trackers[i];
                stopwatch.Restart();
                while (tracker.Pending.TryPeek(out var due, out var dueAt) && dueAt <= t)
                {
                    tracker.Pending.Dequeue();
                    policy.RecordConversion(due.Impression, due.Combination, time);
                    tracker.Conversions++;
                }

                var combination = policy.Choose(impression);
                stopwatch.Stop();
                if ((uint)combination >= (uint)eligible.Length || !eligible[combination])
                {
                    throw new InvalidOperationException(
                        $"Policy '{policy.Name}' chose combination {combination} at impression {t}, which is not an eligible combination.");
                }

                var p = World.ClickProbability(impression.Phase, impression.Segment, impression.Weather, combination);
                var clicked = clickDraw < p;
                tracker.Expected[impression.Phase] += p;
                if (clicked)
                {
                    tracker.Clicks++;
                    if (conversionDraw < World.ConversionProbability(impression.Segment, combination))
                    {
                        tracker.Pending.Enqueue((impression, combination), t + delay);
                    }
                }

                stopwatch.Start();
                policy.RecordImpression(impression, combination, clicked);
                stopwatch.Stop();
                tracker.Elapsed += stopwatch.Elapsed;
            }

            if ((t + 1) % checkpoint == 0 || t + 1 == options.Impressions)
            {
                points.Add(new CumulativeCtrPoint(t + 1, [.. trackers.Select(k => (double)k.Clicks / (t + 1))]));
            }

            if ((t + 1) % options.ProgressEvery == 0 || t + 1 == options.Impressions)
            {
                progress?.Report(new SimulationProgress(t + 1, options.Impressions));
            }
        }

        var n = options.Impressions;
        var oracleExpected = trackers[^1].Expected[0] + trackers[^1].Expected[1];
        var outcomes = new PolicyOutcome[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            var k = trackers[i];
            var expected = k.Expected[0] + k.Expected[1];
            outcomes[i] = new PolicyOutcome
            {
                Policy = all[i].Name,
                Impressions = n,
                Clicks = k.Clicks,
                Ctr = (double)k.Clicks / n,
                ExpectedCtr = expected / n,
                ShareOfOracleCtr = expected / oracleExpected,
                ExpectedCtrBeforeShift = shiftAt > 0 ? k.Expected[0] / shiftAt : double.NaN,
                ExpectedCtrAfterShift = shiftAt < n ? k.Expected[1] / (n - shiftAt) : double.NaN,
                Conversions = k.Conversions,
                PendingConversions = k.Pending.Count,
                ConversionRate = (double)k.Conversions / n,
                Regret = oracleExpected - expected,
                PolicyMilliseconds = k.Elapsed.TotalMilliseconds,
            };
        }

        return new SimulationReport
        {
            Scenario = World.Scenario.Name,
            Impressions = n,
            Seed = options.Seed,
            ShiftAt = shiftAt,
            Policies = outcomes,
            Series = names,
            CumulativeCtr = points,
        };
    }

    private static int Draw(Random random, IReadOnlyList<double> shares)
    {
        var u = random.NextDouble();
        for (var i = 0; i < shares.Count - 1; i++)
        {
            u -= shares[i];
            if (u < 0)
            {
                return i;
            }
        }

        return shares.Count - 1;
    }

    private sealed class Tracker
    {
        public PriorityQueue<(SimulatedImpression Impression, int Combination), int> Pending { get; } = new();

        public double[] Expected { get; } = new double[2];

        public int Clicks { get; set; }

        public int Conversions { get; set; }

        public TimeSpan Elapsed { get; set; }
    }

    /// <summary>Knows the truth: shows the best eligible combination for the viewer's segment, the weather and the phase.</summary>
    private sealed class OraclePolicy(SimulatedWorld world) : ISimulatedPolicy
    {
        public string Name => OracleName;

        public int Choose(in SimulatedImpression impression) =>
            world.BestCombination(impression.Phase, impression.Segment, impression.Weather);

        public void RecordImpression(in SimulatedImpression impression, int combination, bool clicked)
        {
        }

        public void RecordConversion(in SimulatedImpression impression, int combination, DateTimeOffset now)
        {
        }
    }
}
