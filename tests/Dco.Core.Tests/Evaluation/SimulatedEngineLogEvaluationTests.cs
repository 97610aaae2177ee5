using System.Globalization;
using Dco.Core.Evaluation;
using Dco.Core.Simulation;

namespace Dco.Core.Tests.Evaluation;

/// <summary>
/// End to end: the real engine logs decisions in the simulator, and off-policy evaluation of a
/// policy it never ran recovers that policy's true value, computed exactly from the world's truth
/// over the logged viewers. This also checks that the engine's logged propensities are right.
/// </summary>
public sealed class SimulatedEngineLogEvaluationTests
{
    private const int Impressions = 30_000;
    private static readonly SimulatedWorld World = new(Scenarios.Standard);

    [Theory]
    [InlineData(SimulationPolicies.Uniform)]
    [InlineData(SimulationPolicies.Thompson)]
    public void Dr_and_ips_of_a_fixed_creative_on_an_engine_log_match_its_true_value(string loggingPolicy)
    {
        var target = World.BestFixedCombination(0);
        var (log, truth) = LogAndTruth(loggingPolicy, (phase, s, w) => World.ClickProbability(phase, s, w, target));
        var policy = new FixedActionTargetPolicy(ActionKey(target));

        var estimates = new OffPolicyEvaluator(new OffPolicyOptions { Seed = 1 }).EvaluateAll(log, policy);

        foreach (var e in estimates.Where(e => e.Estimator is "ips" or "dr"))
        {
            Assert.True(
                Math.Abs(e.Value - truth) < 4 * e.StandardError,
                $"{loggingPolicy} log, {e.Estimator}: {e.Value:G4} ± {e.StandardError:G3}, truth {truth:G4}");
        }
    }

    [Fact]
    public void Effective_sample_size_exposes_how_little_a_thompson_log_says_about_uniform_testing()
    {
        // Thompson sampling shows poor combinations with propensities down to ~1e-7, so weights for
        // a uniform target reach ~1e5: the estimate rests on a few hundred effective rows, and the
        // report must say so rather than look precise.
        var (log, _) = LogAndTruth(SimulationPolicies.Thompson, (_, _, _) => 0);

        var dr = new OffPolicyEvaluator(new OffPolicyOptions { Seed = 2 }).DoublyRobust(log, new UniformTargetPolicy());

        Assert.True(dr.EffectiveSampleSize < 0.01 * log.Count, $"ess {dr.EffectiveSampleSize:G4} of {log.Count}");
    }

    [Fact]
    public void Dr_of_a_learned_thompson_snapshot_on_a_uniform_log_matches_its_true_value()
    {
        // Learn a Thompson model in the simulator, freeze its snapshot, and evaluate it on a log the
        // engine's uniform policy wrote: π comes from the snapshot itself (ProbabilityOf).
        var learner = SimulationPolicies.Create(SimulationPolicies.Thompson, World, seed: 21);
        new Simulator(World).Run([learner], new SimulationOptions { Impressions = 20_000, Seed = 8 });
        var snapshot = learner.Snapshot;
        var probabilities = new Dictionary<(int Segment, int Weather), double[]>();
        double[] Distribution(int s, int w)
        {
            if (!probabilities.TryGetValue((s, w), out var d))
            {
                var request = new Dco.Core.Decisioning.DecisionRequest
                {
                    DecisionId = "truth",
                    Consent = Dco.Core.Decisioning.ConsentLevel.Full,
                    Time = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero),
                    Segments = [World.Segments[s]],
                    Context = new Dco.Core.Decisioning.RequestContext { Geo = EngineSimulatedPolicy.Geo },
                    Signals = new Dco.Core.Decisioning.LiveSignals([new(EngineSimulatedPolicy.WeatherSignal, EngineSimulatedPolicy.Geo, w)]),
                };
                d = [.. Enumerable.Range(0, World.Combinations.Count).Select(c => snapshot.ProbabilityOf(request, ActionKey(c).Split('|')))];
                probabilities[(s, w)] = d;
            }

            return d;
        }

        var (log, truth) = LogAndTruth(
            SimulationPolicies.Uniform,
            (phase, s, w) => Distribution(s, w).Select((p, c) => p * World.ClickProbability(phase, s, w, c)).Sum());
        var target = new EngineTargetPolicy(snapshot, log, new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));

        var dr = new OffPolicyEvaluator(new OffPolicyOptions { Seed = 3 }).DoublyRobust(log, target);

        Assert.True(Math.Abs(dr.Value - truth) < 4 * dr.StandardError, $"dr {dr.Value:G4} ± {dr.StandardError:G3}, truth {truth:G4}, ess {dr.EffectiveSampleSize:G4}");
        Assert.StartsWith("factorized-thompson@", target.Name, StringComparison.Ordinal);
    }

    private static (BanditLog Log, double Truth) LogAndTruth(string loggingPolicy, Func<int, int, int, double> trueCtr)
    {
        var policy = new EngineSimulatedPolicy(loggingPolicy, World, SimulationPolicies.Settings(loggingPolicy, World), seed: 11, keepDecisionLog: true);
        var report = new Simulator(World).Run([policy], new SimulationOptions { Impressions = Impressions, Seed = 5 });
        var lines = string.Join('\n', policy.DecisionLog.Select(r => System.Text.Json.JsonSerializer.Serialize(r, EvaluationJsonContext.Default.DecisionLogRecord)));
        var log = DecisionLogReader.Read(new StringReader(lines), loggingPolicy);

        // Truth over the logged viewers: segment and weather from the log, phase from the impression index.
        var segments = World.Segments.ToList();
        var truth = policy.DecisionLog.Average(r =>
        {
            var index = int.Parse(r.DecisionId[(r.DecisionId.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
            var weather = int.Parse(r.Context[$"signal.{EngineSimulatedPolicy.WeatherSignal}@{EngineSimulatedPolicy.Geo}"], CultureInfo.InvariantCulture);
            return trueCtr(index < report.ShiftAt ? 0 : 1, segments.IndexOf(r.Context["segment"]), weather);
        });
        return (log, truth);
    }

    private static string ActionKey(int combination) =>
        string.Join('|', World.Describe(combination).Select(kv => EngineSimulatedPolicy.AssetId(kv.Key, kv.Value)));
}
