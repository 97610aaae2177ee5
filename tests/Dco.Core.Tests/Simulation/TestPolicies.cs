using Dco.Core.Simulation;

namespace Dco.Core.Tests.Simulation;

/// <summary>Always shows one combination and remembers what it heard.</summary>
internal sealed class RecordingFixedPolicy(int combination, string name = "fixed-test") : ISimulatedPolicy
{
    public string Name => name;

    public List<(int Impression, int Arrived)> Conversions { get; } = [];

    public int Impressions { get; private set; }

    public int Clicks { get; private set; }

    public int Choose(in SimulatedImpression impression) => combination;

    public void RecordImpression(in SimulatedImpression impression, int chosen, bool clicked)
    {
        Impressions++;
        Clicks += clicked ? 1 : 0;
    }

    public void RecordConversion(in SimulatedImpression impression, int chosen, DateTimeOffset now) =>
        Conversions.Add((impression.Index, (int)((now - new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero)).TotalSeconds / 3)));
}

/// <summary>Uniform among eligible combinations, seeded.</summary>
internal sealed class UniformTestPolicy(SimulatedWorld world, int seed) : ISimulatedPolicy
{
    private readonly Random _random = new(seed);

    public string Name => "uniform-test";

    public int Choose(in SimulatedImpression impression) =>
        world.EligibleCombinations[_random.Next(world.EligibleCombinations.Count)];

    public void RecordImpression(in SimulatedImpression impression, int combination, bool clicked)
    {
    }

    public void RecordConversion(in SimulatedImpression impression, int combination, DateTimeOffset now)
    {
    }
}
