using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>Small builders for campaigns and requests used across the decisioning tests.</summary>
internal static class TestCampaigns
{
    public static readonly DateTimeOffset Noon = new(2026, 6, 10, 12, 0, 0, TimeSpan.FromHours(2));

    /// <summary>A campaign with the given slots, each with assets named slot-0, slot-1, …; the default creative is every slot's asset 0.</summary>
    public static CampaignDefinition Campaign(params (string Slot, int Assets)[] slots) => new()
    {
        Id = "c1",
        Slots = slots.Select(s => new SlotDefinition
        {
            Name = s.Slot,
            Assets = Enumerable.Range(0, s.Assets).Select(i => new AssetDefinition { Id = $"{s.Slot}-{i}", Content = $"{s.Slot} {i}" }).ToArray(),
        }).ToArray(),
        DefaultCreative = slots.ToDictionary(s => s.Slot, s => $"{s.Slot}-0"),
        Policy = new PolicySettings { Kind = PolicyKind.UniformRandom, ExplorationFloor = 0 },
    };

    public static CampaignDefinition WithAsset(this CampaignDefinition campaign, string slot, AssetDefinition asset) => campaign with
    {
        Slots = campaign.Slots.Select(s => s.Name == slot ? s with { Assets = s.Assets.Append(asset).ToArray() } : s).ToArray(),
    };

    public static CampaignDefinition WithRules(this CampaignDefinition campaign, params RuleDefinition[] rules) =>
        campaign with { Rules = rules };

    public static CampaignDefinition WithPolicy(this CampaignDefinition campaign, PolicySettings policy) =>
        campaign with { Policy = policy };

    public static DecisionRequest Request(string id = "d1", ConsentLevel consent = ConsentLevel.Full) => new()
    {
        DecisionId = id,
        ViewerKey = "viewer-1",
        Consent = consent,
        Time = Noon,
    };

    public static Decision Decide(this CampaignSnapshot snapshot, DecisionRequest request, ulong seed) =>
        snapshot.Decide(request, new DecisionRandom(seed));
}
