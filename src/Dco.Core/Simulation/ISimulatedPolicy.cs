namespace Dco.Core.Simulation;

/// <summary>One impression of the simulated stream: who, in what weather, when, and before or after the shift.</summary>
/// <param name="Index">0-based impression number.</param>
/// <param name="Segment">Index into <see cref="SimulatedWorld.Segments"/>.</param>
/// <param name="Weather">Index into <see cref="SimulatedWorld.Weathers"/>.</param>
/// <param name="Phase">0 before the shift in tastes, 1 after.</param>
/// <param name="Time">Simulated wall-clock time of the impression.</param>
public readonly record struct SimulatedImpression(int Index, int Segment, int Weather, int Phase, DateTimeOffset Time);

/// <summary>
/// A policy under simulation: it picks a combination for every impression and hears back what
/// the viewer did. Policies see segment, weather and time, never the truth.
/// </summary>
public interface ISimulatedPolicy
{
    string Name { get; }

    /// <summary>Picks a combination: an index into <see cref="SimulatedWorld.Combinations"/>, one of <see cref="SimulatedWorld.EligibleCombinations"/>.</summary>
    int Choose(in SimulatedImpression impression);

    /// <summary>The impression was shown; <paramref name="clicked"/> says whether it was clicked.</summary>
    void RecordImpression(in SimulatedImpression impression, int combination, bool clicked);

    /// <summary>A click on an earlier impression converted; it arrives late, at <paramref name="now"/>.</summary>
    void RecordConversion(in SimulatedImpression impression, int combination, DateTimeOffset now);
}

/// <summary>Makes a fresh policy for a world; <c>seed</c> seeds the policy's own randomness.</summary>
public delegate ISimulatedPolicy SimulatedPolicyFactory(SimulatedWorld world, int seed);
