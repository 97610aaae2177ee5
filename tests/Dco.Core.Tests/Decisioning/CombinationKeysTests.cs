using Dco.Core.Decisioning;
using Dco.Core.Decisioning.Engine;

namespace Dco.Core.Tests.Decisioning;

public sealed class CombinationKeysTests
{
    [Theory]
    [InlineData(3, 3)] // 2 bits a slot
    [InlineData(2, 300)] // 9 bits a slot: indices past one byte
    [InlineData(9, 200)] // 8 bits × 9 slots past 63 bits: joined, not cached
    public void Every_decisions_key_is_its_asset_ids_joined_whatever_the_campaigns_shape(int slotCount, int assetsPerSlot)
    {
        var slots = Enumerable.Range(0, slotCount).Select(s => ($"slot{s}", assetsPerSlot)).ToArray();
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(slots));

        for (var i = 0; i < 500; i++)
        {
            var decision = snapshot.Decide(TestCampaigns.Request($"d{i}"), (ulong)i);
            Assert.Equal(string.Join('|', decision.AssetIds), decision.CombinationKey);
        }
    }

    [Theory]
    [InlineData(1 << 16)] // 125 combinations: one array by ordinal
    [InlineData(100)] // past 100: by the indices packed into one long
    public void Combinations_that_differ_in_one_slot_only_get_their_own_keys(int maxDense)
    {
        // Indices of neighbouring slots must not run into each other: (1, 2) and (2, 1) in one slot pair, and
        // the last asset of a slot (the highest index) next to the first of the next.
        var compiled = CampaignSnapshot.Create(TestCampaigns.Campaign(("a", 5), ("b", 5), ("c", 5))).Compiled;
        var keys = new CombinationKeys(compiled.SlotStart, compiled.SlotSize, compiled.AssetCount, maxDense);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var combination in AllCombinations(5, 5, 5))
            {
                var chosen = combination.Select(g => compiled.AssetIds[g]).ToArray();
                var key = keys.For(chosen, Traces(combination), out var pooled);

                Assert.True(pooled);
                Assert.Equal(string.Join('|', chosen), key);
                Assert.Same(seen.GetValueOrDefault(key, key), key); // the second pass finds the same instances
                seen[key] = key;
            }
        }

        Assert.Equal(125, seen.Count);
        Assert.Equal(125, keys.Count);
    }

    [Fact]
    public void A_key_is_one_instance_for_every_decision_of_its_combination_and_a_default_decision_still_gets_its_key()
    {
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("a", 3), ("b", 3)));
        var decisions = Enumerable.Range(0, 200).Select(i => snapshot.Decide(TestCampaigns.Request($"d{i}"), (ulong)i)).ToArray();

        foreach (var same in decisions.GroupBy(d => d.CombinationKey))
        {
            Assert.All(same, d => Assert.Same(same.First().CombinationKey, d.CombinationKey));
        }

        Assert.All(decisions, d => Assert.True(d.KeysArePooled));
        Assert.All(decisions.SelectMany(d => d.AssetIds), id => Assert.True(PooledKeys.TryIntern(id, out var held) && ReferenceEquals(held, id)));
        Assert.Equal(decisions.Select(d => d.CombinationKey).Distinct().Count(), snapshot.Compiled.CombinationKeys.Count);

        var defaults = snapshot.Compiled.DefaultAssetIds;
        Assert.Equal(string.Join('|', defaults), snapshot.Compiled.CombinationKeys.For(defaults, [], out _));
    }

    [Fact]
    public void A_trace_whose_asset_is_not_in_its_slot_is_joined_and_not_kept()
    {
        var compiled = CampaignSnapshot.Create(TestCampaigns.Campaign(("a", 3), ("b", 3))).Compiled;
        var keys = new CombinationKeys(compiled.SlotStart, compiled.SlotSize, compiled.AssetCount);

        // Slot a's trace names asset 4, which is slot b's: not an ordinal of this campaign.
        var key = keys.For([compiled.AssetIds[0], compiled.AssetIds[4]], Traces([4, 4]), out _);

        Assert.Equal(compiled.AssetIds[0] + "|" + compiled.AssetIds[4], key);
        Assert.Equal(0, keys.Count);
    }

    [Fact]
    public void Past_its_bound_a_campaign_keeps_no_more_combinations_and_still_answers_every_key()
    {
        // 1,000 combinations, ten times the bound, none kept by ordinal.
        var compiled = CampaignSnapshot.Create(TestCampaigns.Campaign(("a", 10), ("b", 10), ("c", 10))).Compiled;
        var keys = new CombinationKeys(compiled.SlotStart, compiled.SlotSize, compiled.AssetCount, maxDense: 10, maxCached: 100);

        foreach (var combination in AllCombinations(10, 10, 10))
        {
            var chosen = combination.Select(g => compiled.AssetIds[g]).ToArray();
            Assert.Equal(string.Join('|', chosen), keys.For(chosen, Traces(combination), out _));
        }

        Assert.Equal(100, keys.Count);
    }

    private static SlotTrace[] Traces(int[] globalIndices) => [.. globalIndices.Select(g => new SlotTrace(1, g, 1, -1, default))];

    // Global indices, slot by slot (slot s's assets follow slot s-1's).
    private static IEnumerable<int[]> AllCombinations(params int[] sizes)
    {
        var offsets = new int[sizes.Length];
        for (var s = 1; s < sizes.Length; s++)
        {
            offsets[s] = offsets[s - 1] + sizes[s - 1];
        }

        var choice = new int[sizes.Length];
        while (true)
        {
            yield return choice.Select((c, s) => offsets[s] + c).ToArray();
            var slot = sizes.Length - 1;
            while (slot >= 0 && ++choice[slot] == sizes[slot])
            {
                choice[slot--] = 0;
            }

            if (slot < 0)
            {
                yield break;
            }
        }
    }
}
