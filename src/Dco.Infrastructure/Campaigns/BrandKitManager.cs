using System.Text.RegularExpressions;

namespace Dco.Infrastructure.Campaigns;

/// <summary>Brand kit management with the same ETag discipline as <see cref="CampaignManager"/>; a kit a campaign names cannot be deleted.</summary>
public sealed partial class BrandKitManager(CampaignStores stores, TimeProvider time) : DocumentManager<BrandKitDocument>(stores.BrandKits, time)
{
    public override string Kind => "brand kit";

    public override string IdOf(BrandKitDocument document) => document.Id;

    protected override BrandKitDocument WithDefaults(BrandKitDocument document) => DocumentDefaults.Apply(document);

    protected override Task<FieldErrors> ValidateAsync(BrandKitDocument document, CancellationToken cancellationToken) => Task.FromResult(Validate(document));

    protected override BrandKitDocument Stamp(BrandKitDocument document, BrandKitDocument? stored, DateTimeOffset now) => document with { UpdatedAt = now };

    /// <summary>A campaign that names the kit would no longer validate without it.</summary>
    protected override async Task<string?> InUseAsync(string id, CancellationToken cancellationToken)
    {
        var users = new List<string>();
        await foreach (var campaign in stores.Campaigns.FindAcrossPartitionsAsync("brandKitId", id, cancellationToken))
        {
            users.Add(campaign.Id);
        }

        return users.Count == 0 ? null : $"Brand kit '{id}' is used by campaign(s) {string.Join(", ", users.Order(StringComparer.Ordinal))}; change them first.";
    }

    public static FieldErrors Validate(BrandKitDocument kit)
    {
        ArgumentNullException.ThrowIfNull(kit);
        var errors = new FieldErrors();
        CampaignValidator.CheckId(kit.Id, "id", errors);
        if (string.IsNullOrWhiteSpace(kit.Name))
        {
            errors.Add("name", "A brand kit needs a name.");
        }

        for (var i = 0; i < (kit.Palette?.Count ?? 0); i++)
        {
            if (kit.Palette![i] is not { } colour || !ColourPattern().IsMatch(colour))
            {
                errors.Add($"palette[{i}]", $"Colour '{kit.Palette[i]}' must be #rrggbb.");
            }
        }

        for (var i = 0; i < (kit.BannedWords?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(kit.BannedWords![i]))
            {
                errors.Add($"bannedWords[{i}]", "A banned word must not be empty.");
            }
        }

        for (var i = 0; i < (kit.RequiredDisclaimers?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(kit.RequiredDisclaimers![i]))
            {
                errors.Add($"requiredDisclaimers[{i}]", "A required disclaimer must not be empty.");
            }
        }

        foreach (var (name, value) in new[] { ("maxTextLength", kit.SizeLimits?.MaxTextLength), ("maxWidth", kit.SizeLimits?.MaxWidth), ("maxHeight", kit.SizeLimits?.MaxHeight) })
        {
            if (value is <= 0)
            {
                errors.Add($"sizeLimits.{name}", $"{name} must be positive when given.");
            }
        }

        return errors;
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColourPattern();
}
