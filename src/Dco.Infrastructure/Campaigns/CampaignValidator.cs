using System.Globalization;
using System.Text.RegularExpressions;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Rendering;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Campaigns;

/// <summary>
/// Field-level checks of a campaign document (references between rules, slots, tags and assets;
/// template placeholders; brand kit limits), then compilation with the Core engine, which has the
/// last word. Every problem is reported with the JSON path of the field a client has to change.
/// </summary>
public static partial class CampaignValidator
{
    /// <summary>Placeholders of the template that are not about a slot (<c>{{click_url}}</c> …); dotted names are <c>slot.field</c>.</summary>
    public static IReadOnlySet<string> GlobalPlaceholders { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "click_url", "impression_url", "decision_id", "campaign_id", "placement_id",
    };

    /// <summary>Validates <paramref name="campaign"/>; <paramref name="brandKit"/> is the kit its <c>brandKitId</c> names (null when it names none or an unknown one).</summary>
    public static FieldErrors Validate(CampaignDocument campaign, BrandKitDocument? brandKit)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var errors = new FieldErrors();
        CheckId(campaign.Id, "id", errors);
        if (campaign.Definition is not { } definition)
        {
            errors.Add("definition", "The campaign definition is required.");
            return errors;
        }

        if (!string.Equals(definition.Id, campaign.Id, StringComparison.Ordinal))
        {
            errors.Add("definition.id", $"The definition's id '{definition.Id}' must equal the campaign id '{campaign.Id}'.");
        }

        if (!CampaignStatus.All.Contains(campaign.Status))
        {
            errors.Add("status", $"Status '{campaign.Status}' is not one of {string.Join(", ", CampaignStatus.All)}.");
        }

        if (campaign.BrandKitId is { } kitId && brandKit is null)
        {
            errors.Add("brandKitId", $"Brand kit '{kitId}' does not exist.");
        }

        CheckPlacements(campaign.Placements, errors);
        var model = CheckSlots(definition, errors);
        CheckDefaultCreative(definition, model, errors);
        CheckRules(definition, model, errors);
        for (var i = 0; i < definition.FrequencyCaps.Count; i++)
        {
            if (definition.FrequencyCaps[i]?.Assets is { } selector)
            {
                CheckSelector(selector, $"definition.frequencyCaps[{i}].assets", $"Frequency cap {i}", model, errors);
            }
        }

        CheckConstraints(definition, model, errors);
        CheckPolicy(definition.Policy, model, errors);
        CheckTemplate(campaign.Template, model, errors);
        if (brandKit is not null && errors.IsEmpty)
        {
            CheckBrandKit(definition, DocumentDefaults.Apply(brandKit), errors);
        }

        if (errors.IsEmpty)
        {
            try
            {
                CampaignSnapshot.Create(definition);
            }
            catch (CampaignDefinitionException e)
            {
                errors.Add("definition", e.Message);
            }
        }

        return errors;
    }

    /// <summary>True when <paramref name="id"/> could be a stored campaign or brand kit id (anything else cannot exist).</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Ids end up in URLs and Cosmos DB ids: letters, digits, '-', '_' and '.'.</summary>
    public static void CheckId(string? id, string path, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(path, "An id is required.");
        }
        else if (!IdPattern().IsMatch(id))
        {
            errors.Add(path, $"Id '{id}' must be 1–100 letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }
    }

    private static void CheckPlacements(IReadOnlyList<string>? placements, FieldErrors errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (placements?.Count ?? 0); i++)
        {
            var placement = placements![i];
            if (string.IsNullOrWhiteSpace(placement))
            {
                errors.Add($"placements[{i}]", "A placement id must not be empty.");
            }
            else if (!seen.Add(placement))
            {
                errors.Add($"placements[{i}]", $"Placement '{placement}' is listed twice.");
            }
        }
    }

    private static CampaignModel CheckSlots(CampaignDefinition definition, FieldErrors errors)
    {
        var model = new CampaignModel();
        if (definition.Slots is not { Count: > 0 } slots)
        {
            errors.Add("definition.slots", "A campaign needs at least one slot.");
            return model;
        }

        for (var s = 0; s < slots.Count; s++)
        {
            var slot = slots[s];
            var path = $"definition.slots[{s}]";
            if (slot is null || string.IsNullOrWhiteSpace(slot.Name))
            {
                errors.Add($"{path}.name", "A slot needs a name.");
                continue;
            }

            if (!model.Slots.TryAdd(slot.Name, new SlotModel(slot.Name)))
            {
                errors.Add($"{path}.name", $"Slot '{slot.Name}' is defined twice.");
                continue;
            }

            if (slot.Assets is not { Count: > 0 })
            {
                errors.Add($"{path}.assets", $"Slot '{slot.Name}' needs at least one asset.");
                continue;
            }

            for (var a = 0; a < slot.Assets.Count; a++)
            {
                var asset = slot.Assets[a];
                var assetPath = $"{path}.assets[{a}]";
                if (asset is null || string.IsNullOrWhiteSpace(asset.Id))
                {
                    errors.Add($"{assetPath}.id", "An asset needs an id.");
                    continue;
                }

                if (!model.AssetSlots.TryAdd(asset.Id, slot.Name))
                {
                    errors.Add($"{assetPath}.id", $"Asset id '{asset.Id}' is used twice in the campaign (ids are unique across slots).");
                    continue;
                }

                foreach (var tag in asset.Tags ?? [])
                {
                    model.Tags.Add(tag);
                    model.Slots[slot.Name].Tags.Add(tag);
                }

                foreach (var attribute in new[] { "width", "height" })
                {
                    if (asset.Attributes?.TryGetValue(attribute, out var value) == true && !(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pixels) && pixels > 0))
                    {
                        errors.Add($"{assetPath}.attributes.{attribute}", $"Asset '{asset.Id}' has {attribute} '{value}'; it must be a positive whole number of pixels.");
                    }
                }

                if (asset.Attributes?.TryGetValue("destinationUrl", out var url) == true && CreativeRenderer.CheckUrl(url) is { } problem)
                {
                    errors.Add($"{assetPath}.attributes.destinationUrl", $"Asset '{asset.Id}' destinationUrl {problem}");
                }
            }
        }

        return model;
    }

    private static void CheckDefaultCreative(CampaignDefinition definition, CampaignModel model, FieldErrors errors)
    {
        if (definition.DefaultCreative is null)
        {
            errors.Add("definition.defaultCreative", "A default creative (asset id per slot) is required.");
            return;
        }

        foreach (var (slot, assetId) in definition.DefaultCreative)
        {
            var path = $"definition.defaultCreative.{slot}";
            if (!model.Slots.ContainsKey(slot))
            {
                errors.Add(path, $"The default creative names unknown slot '{slot}'.");
            }
            else if (!model.AssetSlots.TryGetValue(assetId ?? "", out var assetSlot) || assetSlot != slot)
            {
                errors.Add(path, $"The default creative's '{slot}' asset '{assetId}' is not an asset of slot '{slot}'.");
            }
        }

        foreach (var slot in model.Slots.Keys.Where(s => !definition.DefaultCreative.ContainsKey(s)))
        {
            errors.Add("definition.defaultCreative", $"The default creative has no asset for slot '{slot}'.");
        }
    }

    private static void CheckRules(CampaignDefinition definition, CampaignModel model, FieldErrors errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (definition.Rules?.Count ?? 0); i++)
        {
            var rule = definition.Rules![i];
            var path = $"definition.rules[{i}]";
            if (rule is null || string.IsNullOrWhiteSpace(rule.Id))
            {
                errors.Add($"{path}.id", "A rule needs an id.");
                continue;
            }

            if (!ids.Add(rule.Id))
            {
                errors.Add($"{path}.id", $"Rule id '{rule.Id}' is used twice.");
            }

            if (rule.Target is null)
            {
                errors.Add($"{path}.target", $"Rule '{rule.Id}' needs a target.");
            }
            else
            {
                CheckSelector(rule.Target, $"{path}.target", $"Rule '{rule.Id}'", model, errors);
            }

            if (rule.Action == RuleActionKind.Boost && !(rule.BoostFactor > 0 && double.IsFinite(rule.BoostFactor)))
            {
                errors.Add($"{path}.boostFactor", $"Rule '{rule.Id}' boost factor must be a positive number.");
            }
        }
    }

    private static void CheckConstraints(CampaignDefinition definition, CampaignModel model, FieldErrors errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (definition.Constraints?.Count ?? 0); i++)
        {
            var constraint = definition.Constraints![i];
            var path = $"definition.constraints[{i}]";
            if (constraint is null || string.IsNullOrWhiteSpace(constraint.Id))
            {
                errors.Add($"{path}.id", "A constraint needs an id.");
                continue;
            }

            if (!ids.Add(constraint.Id))
            {
                errors.Add($"{path}.id", $"Constraint id '{constraint.Id}' is used twice.");
            }

            foreach (var (selector, side) in new[] { (constraint.First, "first"), (constraint.Second, "second") })
            {
                if (selector is null)
                {
                    errors.Add($"{path}.{side}", $"Constraint '{constraint.Id}' needs a '{side}' selector.");
                }
                else
                {
                    CheckSelector(selector, $"{path}.{side}", $"Constraint '{constraint.Id}'", model, errors);
                }
            }
        }
    }

    private static void CheckPolicy(PolicySettings? policy, CampaignModel model, FieldErrors errors)
    {
        if (policy is null)
        {
            return;
        }

        if (!(policy.ExplorationFloor is >= 0 and <= 1))
        {
            errors.Add("definition.policy.explorationFloor", "The exploration floor must be between 0 and 1.");
        }

        for (var i = 0; i < (policy.Interactions?.Count ?? 0); i++)
        {
            var pair = policy.Interactions![i];
            foreach (var (slot, side) in new[] { (pair?.First, "first"), (pair?.Second, "second") })
            {
                if (slot is null || !model.Slots.ContainsKey(slot))
                {
                    errors.Add($"definition.policy.interactions[{i}].{side}", $"Interaction {i} names unknown slot '{slot}'.");
                }
            }
        }

        foreach (var (slot, assetId) in policy.FixedCreative ?? new Dictionary<string, string>())
        {
            if (!model.Slots.ContainsKey(slot))
            {
                errors.Add($"definition.policy.fixedCreative.{slot}", $"The fixed creative names unknown slot '{slot}'.");
            }
            else if (!model.AssetSlots.TryGetValue(assetId ?? "", out var assetSlot) || assetSlot != slot)
            {
                errors.Add($"definition.policy.fixedCreative.{slot}", $"The fixed creative's '{slot}' asset '{assetId}' is not an asset of slot '{slot}'.");
            }
        }
    }

    private static void CheckTemplate(string? template, CampaignModel model, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(template))
        {
            return;
        }

        var compilation = CreativeRenderer.Compile(template);
        foreach (var error in compilation.Errors)
        {
            errors.Add("template", error.Message);
        }

        foreach (var placeholder in compilation.Template?.Placeholders ?? [])
        {
            var dot = placeholder.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                if (!GlobalPlaceholders.Contains(placeholder))
                {
                    errors.Add("template", $"Placeholder {{{{{placeholder}}}}} is neither slot.field nor one of {string.Join(", ", GlobalPlaceholders)}.");
                }
            }
            else if (!model.Slots.ContainsKey(placeholder[..dot]))
            {
                errors.Add("template", $"Placeholder {{{{{placeholder}}}}} names unknown slot '{placeholder[..dot]}'.");
            }
        }
    }

    private static void CheckBrandKit(CampaignDefinition definition, BrandKitDocument kit, FieldErrors errors)
    {
        var texts = new List<string>();
        for (var s = 0; s < definition.Slots.Count; s++)
        {
            for (var a = 0; a < definition.Slots[s].Assets.Count; a++)
            {
                var asset = definition.Slots[s].Assets[a];
                var path = $"definition.slots[{s}].assets[{a}]";
                if (asset.Kind == "text" && asset.Content is { } text)
                {
                    texts.Add(text);
                    foreach (var word in kit.BannedWords.Where(w => ContainsWord(text, w)))
                    {
                        errors.Add($"{path}.content", $"Asset '{asset.Id}' uses '{word}', banned by brand kit '{kit.Id}'.");
                    }

                    if (kit.SizeLimits.MaxTextLength is { } maxLength && text.Length > maxLength)
                    {
                        errors.Add($"{path}.content", $"Asset '{asset.Id}' has {text.Length} characters; brand kit '{kit.Id}' allows {maxLength}.");
                    }
                }

                foreach (var (attribute, limit) in new[] { ("width", kit.SizeLimits.MaxWidth), ("height", kit.SizeLimits.MaxHeight) })
                {
                    if (limit is { } max && asset.Attributes?.TryGetValue(attribute, out var value) == true && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pixels) && pixels > max)
                    {
                        errors.Add($"{path}.attributes.{attribute}", $"Asset '{asset.Id}' is {pixels}px in {attribute}; brand kit '{kit.Id}' allows {max}px.");
                    }
                }
            }
        }

        foreach (var disclaimer in kit.RequiredDisclaimers.Where(d => !texts.Any(t => t.Contains(d, StringComparison.OrdinalIgnoreCase))))
        {
            errors.Add("definition.slots", $"Brand kit '{kit.Id}' requires the disclaimer \"{disclaimer}\" in a text asset.");
        }
    }

    private static bool ContainsWord(string text, string word) =>
        !string.IsNullOrWhiteSpace(word) && Regex.IsMatch(text, $@"(?<!\w){Regex.Escape(word)}(?!\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private static void CheckSelector(AssetSelector selector, string path, string owner, CampaignModel model, FieldErrors errors)
    {
        SlotModel? slot = null;
        if (selector.Slot is { } slotName && !model.Slots.TryGetValue(slotName, out slot))
        {
            errors.Add($"{path}.slot", $"{owner} references unknown slot '{slotName}'.");
        }

        for (var i = 0; i < (selector.AssetIds?.Count ?? 0); i++)
        {
            var assetId = selector.AssetIds![i];
            if (!model.AssetSlots.TryGetValue(assetId ?? "", out var assetSlot))
            {
                errors.Add($"{path}.assetIds[{i}]", $"{owner} references unknown asset '{assetId}'.");
            }
            else if (slot is not null && assetSlot != slot.Name)
            {
                errors.Add($"{path}.assetIds[{i}]", $"{owner} references asset '{assetId}', which is in slot '{assetSlot}', not '{slot.Name}'.");
            }
        }

        for (var i = 0; i < (selector.Tags?.Count ?? 0); i++)
        {
            var tag = selector.Tags![i];
            if (!(slot?.Tags ?? model.Tags).Contains(tag ?? ""))
            {
                errors.Add($"{path}.tags[{i}]", slot is null
                    ? $"{owner} references unknown tag '{tag}': no asset carries it."
                    : $"{owner} references unknown tag '{tag}': no asset of slot '{slot.Name}' carries it.");
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    private sealed class CampaignModel
    {
        public Dictionary<string, SlotModel> Slots { get; } = new(StringComparer.Ordinal);

        /// <summary>Asset id → slot name.</summary>
        public Dictionary<string, string> AssetSlots { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Tags { get; } = new(StringComparer.Ordinal);
    }

    private sealed class SlotModel(string name)
    {
        public string Name { get; } = name;

        public HashSet<string> Tags { get; } = new(StringComparer.Ordinal);
    }
}
