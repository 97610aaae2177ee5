using Dco.Core.Decisioning;

namespace Dco.Core.Simulation;

/// <summary>
/// The policies the simulator knows by name, each the real engine with one policy setting:
/// <c>ts</c> factorized Thompson sampling over all viewers, <c>ts-segmented</c> the same with
/// per-segment posteriors, <c>linear</c> the contextual LinUCB policy (segments and a weather
/// bucket as features), <c>uniform</c> A/B/n testing, <c>fixed</c> the default creative.
/// </summary>
public static class SimulationPolicies
{
    public const string Thompson = "ts";
    public const string SegmentedThompson = "ts-segmented";
    public const string Linear = "linear";
    public const string Uniform = "uniform";
    public const string Fixed = "fixed";

    /// <summary>The default line-up, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = [Thompson, Linear, Uniform, Fixed];

    public static IReadOnlyList<string> AllNames { get; } = [Thompson, SegmentedThompson, Linear, Uniform, Fixed];

    /// <summary>
    /// Exploration floor of the learning policies: 2 % per slot. The engine's default (5 %) suits a
    /// campaign that must keep re-checking every asset; over 200k impressions of 45 combinations it
    /// alone costs about 4 % of CTR (see docs/decisions/0003).
    /// </summary>
    public const double ExplorationFloor = 0.02;

    /// <summary>The engine's policy settings behind a name, for this world.</summary>
    public static PolicySettings Settings(string name, SimulatedWorld world) => name switch
    {
        Thompson => new PolicySettings { Kind = PolicyKind.FactorizedThompson, ExplorationFloor = ExplorationFloor },
        SegmentedThompson => new PolicySettings { Kind = PolicyKind.FactorizedThompson, ExplorationFloor = ExplorationFloor, Segments = world.Segments },
        Linear => new PolicySettings
        {
            Kind = PolicyKind.ContextualLinear,
            ExplorationFloor = ExplorationFloor,
            SignalFeatures = [EngineSimulatedPolicy.WeatherFeature(world)],
        },
        Uniform => new PolicySettings { Kind = PolicyKind.UniformRandom, ExplorationFloor = 0 },
        Fixed => new PolicySettings { Kind = PolicyKind.FixedCreative, ExplorationFloor = 0 },
        _ => throw new ArgumentException($"Unknown policy '{name}'; known: {string.Join(", ", AllNames)}.", nameof(name)),
    };

    public static EngineSimulatedPolicy Create(string name, SimulatedWorld world, int seed, bool keepDecisionLog = false) =>
        new(name, world, Settings(name, world), seed, keepDecisionLog: keepDecisionLog);
}
