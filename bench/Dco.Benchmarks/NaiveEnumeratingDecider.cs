using Dco.Core.Decisioning;
using Dco.Core.Decisioning.Engine;

namespace Dco.Benchmarks;

/// <summary>
/// The baseline the issue asks for: the same eligibility pass, then enumerate every combination of
/// eligible assets, drop those violating a constraint or a combination cap, weight each by the product
/// of its per-slot Thompson scores × boosts, and draw one (ε-mixed with uniform over valid combinations).
/// Exponential in the number of slots: 20^5 = 3.2 M combinations for 5×20; 10^20 for 10×100 cannot be enumerated.
/// </summary>
internal sealed class NaiveEnumeratingDecider(CampaignSnapshot snapshot)
{
    public (int[] Chosen, double Propensity, long Enumerated) Decide(DecisionRequest request, DecisionRandom random)
    {
        var c = snapshot.Compiled;
        var sc = DecisionScratch.For(c);
        var reason = DecisionEngine.Eligibility(snapshot, request, sc, out var bucket);
        if (reason != DefaultReason.None)
        {
            return (c.DefaultAssets, 1, 0);
        }

        var eligible = new int[c.SlotCount][];
        for (var s = 0; s < c.SlotCount; s++)
        {
            var list = new List<int>();
            for (var g = c.SlotStart[s]; g < c.SlotStart[s] + c.SlotSize[s]; g++)
            {
                if (c.HasAsset(sc.Domain, g))
                {
                    list.Add(g);
                }
            }

            eligible[s] = list.ToArray();
        }

        var current = new int[c.SlotCount];
        double total = 0;
        long valid = 0;
        long enumerated = 0;
        Enumerate(0, ref total, ref valid, ref enumerated, null);
        if (valid == 0)
        {
            return (c.DefaultAssets, 1, enumerated);
        }

        var epsilon = c.Policy.ExplorationFloor;
        var explore = random.NextDouble() < epsilon;
        var target = explore ? random.NextInt((int)Math.Min(valid, int.MaxValue)) : random.NextDouble() * total;
        var picked = new int[c.SlotCount];
        var state = new PickState(target, explore);
        double ignoredTotal = 0;
        long ignoredValid = 0;
        long ignoredEnumerated = 0;
        Enumerate(0, ref ignoredTotal, ref ignoredValid, ref ignoredEnumerated, state);
        state.Chosen!.CopyTo(picked, 0);
        var propensity = ((1 - epsilon) * state.ChosenWeight / total) + (epsilon / valid);
        return (picked, propensity, enumerated);

        void Enumerate(int s, ref double sum, ref long count, ref long seen, PickState? pick)
        {
            if (pick?.Chosen is not null)
            {
                return;
            }

            if (s == c.SlotCount)
            {
                seen++;
                for (var k = 0; k < sc.NogoodCount; k++)
                {
                    if (sc.Nogoods.AsSpan(k * c.SlotCount, c.SlotCount).SequenceEqual(current))
                    {
                        return;
                    }
                }

                var weight = 1.0;
                for (var t = 0; t < c.SlotCount; t++)
                {
                    weight *= Score(c, t, current, bucket) * sc.Boost[current[t]];
                }

                sum += weight;
                count++;
                if (pick is not null)
                {
                    pick.Remaining -= pick.Explore ? 1 : weight;
                    if (pick.Remaining < 0)
                    {
                        pick.Chosen = (int[])current.Clone();
                        pick.ChosenWeight = weight;
                    }
                }

                return;
            }

            foreach (var g in eligible[s])
            {
                var compatible = true;
                for (var t = 0; t < s && compatible; t++)
                {
                    var matrix = c.Compat[(t * c.SlotCount) + s];
                    compatible = matrix is null || Bits.Get(matrix.AsSpan((current[t] - c.SlotStart[t]) * c.SlotWords[s], c.SlotWords[s]), g - c.SlotStart[s]);
                }

                if (compatible)
                {
                    current[s] = g;
                    Enumerate(s + 1, ref sum, ref count, ref seen, pick);
                }
            }
        }
    }

    private double Score(CompiledCampaign c, int s, int[] current, int bucket)
    {
        var partner = c.PartnerSlot[s];
        if (partner >= 0 && snapshot.Model.PairScores[s] is { } pair)
        {
            return pair[(((bucket * c.SlotSize[partner]) + (current[partner] - c.SlotStart[partner])) * c.SlotSize[s]) + (current[s] - c.SlotStart[s])];
        }

        return snapshot.Model.Scores[(bucket * c.AssetCount) + current[s]];
    }

    private sealed class PickState(double remaining, bool explore)
    {
        public double Remaining = remaining;
        public bool Explore { get; } = explore;
        public int[]? Chosen;
        public double ChosenWeight;
    }
}
