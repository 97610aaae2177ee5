using Dco.Core.Decisioning;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Seeding;
using Dco.Infrastructure.Serving;

namespace Dco.Functions.Tests.Management;

public sealed class CampaignValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static CampaignDocument Demo => DemoCampaign.Campaign(Now);

    private static BrandKitDocument Kit => DemoCampaign.BrandKit(Now);

    private static CampaignDocument WithRules(params RuleDefinition[] rules) =>
        Demo with { Definition = Demo.Definition with { Rules = rules } };

    private static IDictionary<string, string[]> Errors(CampaignDocument campaign, BrandKitDocument? kit = null) =>
        CampaignValidator.Validate(campaign, kit ?? (campaign.BrandKitId is null ? null : Kit)).ToDictionary();

    [Fact]
    public void Rule_targeting_an_unknown_tag_is_reported_at_its_path_naming_the_rule_and_the_tag()
    {
        var campaign = WithRules(new RuleDefinition { Id = "snow-boost", Action = RuleActionKind.Boost, Target = new AssetSelector { Tags = ["snow"] } });

        var errors = Errors(campaign);

        var message = Assert.Single(errors["definition.rules[0].target.tags[0]"]);
        Assert.Contains("'snow-boost'", message, StringComparison.Ordinal);
        Assert.Contains("'snow'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_targeting_an_unknown_slot_is_reported_at_its_slot_path()
    {
        var campaign = WithRules(new RuleDefinition { Id = "logo-pin", Action = RuleActionKind.Pin, Target = new AssetSelector { Slot = "logo" } });

        var message = Assert.Single(Errors(campaign)["definition.rules[0].target.slot"]);

        Assert.Contains("unknown slot 'logo'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_that_exists_only_in_another_slot_is_unknown_for_a_slot_scoped_selector()
    {
        // "legal" is a disclaimer tag; no headline carries it.
        var campaign = WithRules(new RuleDefinition { Id = "legal-headline", Action = RuleActionKind.Boost, Target = new AssetSelector { Slot = "headline", Tags = ["legal"] } });

        Assert.Contains("no asset of slot 'headline'", Assert.Single(Errors(campaign)["definition.rules[0].target.tags[0]"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Constraint_naming_an_unknown_asset_is_reported_at_its_path()
    {
        var campaign = Demo with
        {
            Definition = Demo.Definition with
            {
                Constraints = [new CompatibilityConstraint { Id = "c1", Kind = ConstraintKind.NeverTogether, First = new AssetSelector { AssetIds = ["headline-nope"] }, Second = new AssetSelector { Slot = "cta" } }],
            },
        };

        Assert.Contains("unknown asset 'headline-nope'", Assert.Single(Errors(campaign)["definition.constraints[0].first.assetIds[0]"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_brand_kit_is_reported_on_brandKitId()
    {
        var campaign = Demo with { BrandKitId = "no-such-kit" };

        var errors = CampaignValidator.Validate(campaign, brandKit: null).ToDictionary();

        Assert.Contains("'no-such-kit' does not exist", Assert.Single(errors["brandKitId"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Template_placeholder_naming_an_unknown_slot_is_reported_on_template()
    {
        var campaign = Demo with { Template = "<p>{{headline.text}} {{logo.url}}</p>" };

        Assert.Contains("unknown slot 'logo'", Assert.Single(Errors(campaign)["template"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Template_placeholder_in_an_unsafe_context_is_reported_on_template()
    {
        var campaign = Demo with { Template = "<a onclick=\"{{headline.text}}\">x</a>" };

        Assert.NotEmpty(Errors(campaign)["template"]);
    }

    [Fact]
    public void Banned_word_of_the_brand_kit_is_reported_on_the_assets_content()
    {
        var slots = Demo.Definition.Slots.Select(s => s.Name != "headline" ? s : s with
        {
            Assets = [.. s.Assets.Select(a => a.Id == "headline-everyday" ? a with { Content = "The cheapest gear in town" } : a)],
        }).ToList();
        var campaign = Demo with { Definition = Demo.Definition with { Slots = slots } };

        var errors = Errors(campaign);

        Assert.Contains("'cheapest'", Assert.Single(errors["definition.slots[0].assets[6].content"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Engine_compilation_errors_are_reported_on_definition()
    {
        var campaign = WithRules(new RuleDefinition
        {
            Id = "bad-feature",
            When = new CompareCondition { Feature = "signal.weather", Operator = ComparisonOperator.GreaterThan, Number = 1 },
            Action = RuleActionKind.Boost,
            Target = new AssetSelector { Tags = ["rain"] },
        });

        Assert.Contains("signal.NAME@KEY", Assert.Single(Errors(campaign)["definition"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Definition_id_that_differs_from_the_campaign_id_is_reported()
    {
        var campaign = Demo with { Definition = Demo.Definition with { Id = "other" } };

        Assert.True(Errors(campaign).ContainsKey("definition.id"));
    }

    [Fact]
    public void Default_creative_asset_from_another_slot_is_reported_at_its_slot_key()
    {
        var defaults = new Dictionary<string, string>(Demo.Definition.DefaultCreative) { ["cta"] = "headline-everyday" };
        var campaign = Demo with { Definition = Demo.Definition with { DefaultCreative = defaults } };

        Assert.True(Errors(campaign).ContainsKey("definition.defaultCreative.cta"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has/slash")]
    [InlineData("-leading-dash")]
    public void Campaign_ids_that_cannot_be_urls_or_cosmos_ids_are_rejected(string id)
    {
        var campaign = Demo with { Id = id, Definition = Demo.Definition with { Id = id } };

        Assert.True(Errors(campaign).ContainsKey("id"));
    }

    [Fact]
    public void Brand_kit_colour_that_is_not_hex_is_reported_at_its_index()
    {
        var kit = Kit with { Palette = ["#00ff00", "green"] };

        Assert.True(BrandKitManager.Validate(kit).ToDictionary().ContainsKey("palette[1]"));
    }

    [Theory]
    [InlineData("\"abc\"", "\"abc\"", true)]
    [InlineData("\"abc\"", "abc", true)]
    [InlineData("*", "\"abc\"", true)]
    [InlineData("\"x\", \"abc\"", "\"abc\"", true)]
    [InlineData("\"abd\"", "\"abc\"", false)]
    [InlineData("W/\"abc\"", "\"abc\"", false)]
    public void If_match_uses_strong_comparison_with_star_and_lists(string ifMatch, string stored, bool expected) =>
        Assert.Equal(expected, EntityTag.Matches(ifMatch, stored));
}
