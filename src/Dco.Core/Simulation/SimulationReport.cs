namespace Dco.Core.Simulation;

/// <summary>One policy's figures over a run.</summary>
public sealed record PolicyOutcome
{
    public required string Policy { get; init; }

    public required int Impressions { get; init; }

    public required int Clicks { get; init; }

    /// <summary>Realised clicks per impression.</summary>
    public required double Ctr { get; init; }

    /// <summary>Sum of the true click probabilities of what the policy showed, per impression (no click noise).</summary>
    public required double ExpectedCtr { get; init; }

    /// <summary><see cref="ExpectedCtr"/> over the oracle's expected CTR.</summary>
    public required double ShareOfOracleCtr { get; init; }

    /// <summary>Expected CTR before the shift in tastes.</summary>
    public required double ExpectedCtrBeforeShift { get; init; }

    /// <summary>Expected CTR after the shift in tastes.</summary>
    public required double ExpectedCtrAfterShift { get; init; }

    /// <summary>Conversions that arrived before the run ended.</summary>
    public required int Conversions { get; init; }

    /// <summary>Conversions already decided but still in flight (delayed past the end of the run).</summary>
    public required int PendingConversions { get; init; }

    /// <summary>Arrived conversions per impression.</summary>
    public required double ConversionRate { get; init; }

    /// <summary>Oracle's expected clicks minus this policy's expected clicks.</summary>
    public required double Regret { get; init; }

    /// <summary>Wall-clock time spent inside the policy (choose and learn), for orientation only.</summary>
    public required double PolicyMilliseconds { get; init; }
}

/// <summary>Cumulative realised CTR of every policy at one checkpoint (a chart's x value).</summary>
public sealed record CumulativeCtrPoint(int Impressions, IReadOnlyList<double> Ctr);

public sealed record SimulationReport
{
    public required string Scenario { get; init; }

    public required int Impressions { get; init; }

    public required int Seed { get; init; }

    /// <summary>Impression at which tastes shift.</summary>
    public required int ShiftAt { get; init; }

    /// <summary>Every policy, then the oracle (last).</summary>
    public required IReadOnlyList<PolicyOutcome> Policies { get; init; }

    /// <summary>Series names in the order of <see cref="CumulativeCtrPoint.Ctr"/>.</summary>
    public required IReadOnlyList<string> Series { get; init; }

    public required IReadOnlyList<CumulativeCtrPoint> CumulativeCtr { get; init; }

    /// <summary>The outcome of the named policy (the oracle is named "oracle").</summary>
    public PolicyOutcome Outcome(string policy) =>
        Policies.SingleOrDefault(p => p.Policy == policy)
        ?? throw new ArgumentException($"The report has no policy '{policy}'; it has {string.Join(", ", Policies.Select(p => p.Policy))}.", nameof(policy));
}

/// <summary>Progress of a run: impressions done out of the total (every policy has seen them).</summary>
public readonly record struct SimulationProgress(int Done, int Total);
