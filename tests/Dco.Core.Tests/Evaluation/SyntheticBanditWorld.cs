using Dco.Core.Evaluation;

namespace Dco.Core.Tests.Evaluation;

/// <summary>
/// A small contextual bandit with known truth: 3 contexts, 4 actions, a skewed logging policy and
/// a target policy whose true value is computed exactly.
/// </summary>
internal sealed class SyntheticBanditWorld
{
    private static readonly string[] ContextKeys = ["x=0", "x=1", "x=2"];
    private static readonly string[] ActionKeys = ["a", "b", "c", "d"];
    private static readonly double[] ContextShares = [0.5, 0.3, 0.2];

    // True click probability per (context, action).
    private static readonly double[,] Truth =
    {
        { 0.05, 0.10, 0.02, 0.20 },
        { 0.30, 0.05, 0.10, 0.05 },
        { 0.10, 0.10, 0.40, 0.02 },
    };

    // Logging policy: favours action a everywhere, so the target's good actions are rarely logged.
    private static readonly double[,] Logging =
    {
        { 0.70, 0.15, 0.10, 0.05 },
        { 0.40, 0.40, 0.10, 0.10 },
        { 0.60, 0.20, 0.10, 0.10 },
    };

    public static TabularTargetPolicy Target { get; } = new(new TabularPolicySnapshot
    {
        Name = "target",
        Contexts = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["x=0"] = new Dictionary<string, double> { ["d"] = 0.8, ["b"] = 0.2 },
            ["x=1"] = new Dictionary<string, double> { ["a"] = 1.0 },
            ["x=2"] = new Dictionary<string, double> { ["c"] = 0.5, ["a"] = 0.25, ["b"] = 0.25 },
        },
    });

    /// <summary>The target policy's exact expected reward.</summary>
    public static double TrueTargetValue
    {
        get
        {
            double value = 0;
            for (var x = 0; x < ContextKeys.Length; x++)
            {
                for (var a = 0; a < ActionKeys.Length; a++)
                {
                    value += ContextShares[x] * Target.Probability(ContextKeys[x], ActionKeys[a], ActionKeys) * Truth[x, a];
                }
            }

            return value;
        }
    }

    public static BanditLog Log(int rows, int seed)
    {
        var random = new Random(seed);
        var samples = new LoggedSample[rows];
        for (var i = 0; i < rows; i++)
        {
            var x = Draw(random, ContextShares);
            var logging = Enumerable.Range(0, ActionKeys.Length).Select(a => Logging[x, a]).ToArray();
            var a = Draw(random, logging);
            var click = random.NextDouble() < Truth[x, a] ? 1.0 : 0.0;
            samples[i] = new LoggedSample(ContextKeys[x], ActionKeys[a], click, Logging[x, a]);
        }

        return new BanditLog($"synthetic-{seed}", samples, ActionKeys);
    }

    private static int Draw(Random random, double[] probabilities)
    {
        var u = random.NextDouble();
        for (var i = 0; i < probabilities.Length - 1; i++)
        {
            u -= probabilities[i];
            if (u < 0)
            {
                return i;
            }
        }

        return probabilities.Length - 1;
    }
}
