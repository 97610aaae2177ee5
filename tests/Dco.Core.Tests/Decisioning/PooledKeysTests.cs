using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

public sealed class PooledKeysTests
{
    [Fact]
    public void A_key_interned_from_characters_is_the_instance_interned_from_a_string()
    {
        var key = "asset-" + Guid.NewGuid().ToString("N");

        Assert.True(PooledKeys.TryIntern(key, out var held));
        var fromSpan = PooledKeys.Intern(("x" + key).AsSpan(1));

        Assert.Same(key, held);
        Assert.Same(held, fromSpan);
        Assert.NotSame(PooledKeys.Intern((key + "-other").AsSpan()), held);
    }

    [Fact]
    public void A_key_first_interned_from_characters_is_kept_for_later_strings()
    {
        var key = "combination-" + Guid.NewGuid().ToString("N");

        var first = PooledKeys.Intern(key.AsSpan());
        Assert.True(PooledKeys.TryIntern(new string(key.AsSpan()), out var held));

        Assert.Equal(key, first);
        Assert.Same(first, held);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(300)] // three slots past the 512 characters joined on the stack
    public void A_decisions_combination_key_is_its_asset_ids_joined_and_one_instance_per_combination(int slotNameLength)
    {
        var slots = new[] { "a", "b", "c" }.Select(s => (s + new string('s', slotNameLength), 3)).ToArray();
        var snapshot = CampaignSnapshot.Create(TestCampaigns.Campaign(slots));

        var decisions = Enumerable.Range(0, 200).Select(i => snapshot.Decide(TestCampaigns.Request($"d{i}"), (ulong)i)).ToArray();

        foreach (var decision in decisions)
        {
            Assert.Equal(string.Join('|', decision.AssetIds), decision.CombinationKey);
        }

        foreach (var same in decisions.GroupBy(d => d.CombinationKey))
        {
            Assert.All(same, d => Assert.Same(same.First().CombinationKey, d.CombinationKey));
        }

        Assert.True(decisions.Select(d => d.CombinationKey).Distinct().Count() > 10, "uniform draws over 27 combinations");
    }
}
