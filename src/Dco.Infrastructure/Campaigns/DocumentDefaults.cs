using Dco.Core.Decisioning;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Campaigns;

/// <summary>
/// Source-generated JSON assigns null to an init-only collection the body leaves out (its initializer
/// does not run): put the documented defaults back before validation, compilation and storage.
/// </summary>
public static class DocumentDefaults
{
    public static CampaignDocument Apply(CampaignDocument campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var definition = campaign.Definition;
        return campaign with
        {
            Template = campaign.Template ?? "",
            Placements = campaign.Placements ?? [],
            Status = campaign.Status ?? CampaignStatus.Active,
            Definition = definition is null ? null! : definition with
            {
                Version = definition.Version ?? "1",
                Slots = definition.Slots is null ? null! : [.. definition.Slots.Select(s => s is null ? s! : s with
                {
                    Assets = s.Assets is null ? null! : [.. s.Assets.Select(a => a is null ? a! : a with
                    {
                        Kind = a.Kind ?? "text",
                        Tags = a.Tags ?? [],
                        Attributes = a.Attributes ?? new Dictionary<string, string>(),
                    })],
                })],
                DefaultCreative = definition.DefaultCreative ?? new Dictionary<string, string>(),
                Rules = definition.Rules ?? [],
                FrequencyCaps = definition.FrequencyCaps ?? [],
                Constraints = definition.Constraints ?? [],
                Policy = Apply(definition.Policy ?? new PolicySettings()),
                Schedule = definition.Schedule is null ? null : definition.Schedule with { Dayparts = definition.Schedule.Dayparts ?? [] },
            },
        };
    }

    public static PolicySettings Apply(PolicySettings policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy with
        {
            Segments = policy.Segments ?? [],
            Interactions = policy.Interactions ?? [],
            SignalFeatures = policy.SignalFeatures ?? [],
        };
    }

    public static BrandKitDocument Apply(BrandKitDocument kit)
    {
        ArgumentNullException.ThrowIfNull(kit);
        return kit with
        {
            Palette = kit.Palette ?? [],
            BannedWords = kit.BannedWords ?? [],
            RequiredDisclaimers = kit.RequiredDisclaimers ?? [],
            SizeLimits = kit.SizeLimits ?? new BrandSizeLimits(),
        };
    }
}
