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

    [Fact]
    public void Combinations_that_differ_in_one_slot_only_get_their_own_keys()
    {
        // Indices of neighbouring slots must not run into each other: (1, 2) and (2, 1) in one slot pair, and
        // the last asset of a slot (the highest index) next to the first of the next.
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("a", 5), ("b", 5), ("c", 5)));
        var keys = snapshot.Compiled.CombinationKeys;
        var ids = snapshot.Compiled.AssetIds;
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var combination in AllCombinations(5, 5, 5))
        {
            var chosen = combination.Select(g => ids[g]).ToArray();
            var key = keys.For(chosen, combination.Select(g => new SlotTrace(1, g, 1, -1, default)).ToArray());

            Assert.Equal(string.Join('|', chosen), key);
            Assert.True(seen.TryAdd(key, key));
        }

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

        Assert.Equal(decisions.Select(d => d.CombinationKey).Distinct().Count(), snapshot.Compiled.CombinationKeys.Count);

        var keys = snapshot.Compiled.CombinationKeys;
        var defaults = snapshot.Compiled.DefaultAssetIds;
        Assert.Equal(string.Join('|', defaults), keys.For(defaults, []));
    }

    [Fact]
    public void Past_its_bound_a_campaign_keeps_no_more_combinations_and_still_answers_every_key()
    {
        // 3 slots of 64 assets: 262,144 combinations, four times the bound.
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(("a", 64), ("b", 64), ("c", 64)));
        var keys = snapshot.Compiled.CombinationKeys;
        var ids = snapshot.Compiled.AssetIds;

        foreach (var combination in AllCombinations(64, 64, 64))
        {
            var chosen = combination.Select(g => ids[g]).ToArray();
            Assert.Equal(string.Join('|', chosen), keys.For(chosen, combination.Select(g => new SlotTrace(1, g, 1, -1, default)).ToArray()));
        }

        Assert.Equal(CombinationKeys.MaxCached, keys.Count);
    }

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
