using System.Net;
using System.Text.RegularExpressions;
using Dco.Infrastructure.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Campaigns;

/// <summary>Brand kit management with the same ETag discipline as <see cref="CampaignManager"/>.</summary>
public sealed partial class BrandKitManager(CampaignStores stores, TimeProvider time)
{
    public async Task<IReadOnlyList<BrandKitDocument>> ListAsync(CancellationToken cancellationToken)
    {
        var kits = new List<BrandKitDocument>();
        await foreach (var kit in stores.BrandKits.QueryAcrossPartitionsAsync(new DocumentQuery("SELECT * FROM c"), cancellationToken))
        {
            kits.Add(kit);
        }

        return [.. kits.OrderBy(k => k.Id, StringComparer.Ordinal)];
    }

    public Task<StoredDocument<BrandKitDocument>?> GetAsync(string id, CancellationToken cancellationToken) =>
        CampaignValidator.IsValidId(id) ? stores.BrandKits.ReadAsync(id, id, cancellationToken) : Task.FromResult<StoredDocument<BrandKitDocument>?>(null);

    public async Task<ManagementResult<BrandKitDocument>> CreateAsync(BrandKitDocument kit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kit);
        kit = DocumentDefaults.Apply(kit);
        var errors = Validate(kit);
        if (!errors.IsEmpty)
        {
            return new(ManagementStatus.Invalid, Errors: errors);
        }

        var result = await stores.BrandKits.CreateAsync(kit with { UpdatedAt = time.GetUtcNow() }, cancellationToken);
        return result.Status == WriteStatus.AlreadyExists
            ? new(ManagementStatus.AlreadyExists, Detail: $"Brand kit '{kit.Id}' already exists; replace it with PUT and If-Match.")
            : new(ManagementStatus.Created, result.Document!.Value, result.Document.ETag);
    }

    public async Task<ManagementResult<BrandKitDocument>> ReplaceAsync(string id, BrandKitDocument kit, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kit);
        ArgumentNullException.ThrowIfNull(ifMatch);
        var current = await GetAsync(id, cancellationToken);
        if (current is null)
        {
            return new(ManagementStatus.NotFound);
        }

        if (!EntityTag.Matches(ifMatch, current.ETag))
        {
            return new(ManagementStatus.PreconditionFailed);
        }

        kit = DocumentDefaults.Apply(kit);
        var errors = Validate(kit);
        if (!string.Equals(kit.Id, id, StringComparison.Ordinal))
        {
            errors.Add("id", $"The body's id '{kit.Id}' differs from the URL's '{id}'; a brand kit cannot be renamed.");
        }

        if (!errors.IsEmpty)
        {
            return new(ManagementStatus.Invalid, Errors: errors);
        }

        var result = await stores.BrandKits.ReplaceAsync(kit with { UpdatedAt = time.GetUtcNow() }, current.ETag, cancellationToken);
        return result.Status switch
        {
            WriteStatus.Succeeded => new(ManagementStatus.Succeeded, result.Document!.Value, result.Document.ETag),
            WriteStatus.NotFound => new(ManagementStatus.NotFound),
            _ => new(ManagementStatus.PreconditionFailed),
        };
    }

    /// <summary>Deletes the kit unless a campaign still names it (that campaign would no longer validate).</summary>
    public async Task<ManagementResult<BrandKitDocument>> DeleteAsync(string id, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        var current = await GetAsync(id, cancellationToken);
        if (current is null)
        {
            return new(ManagementStatus.NotFound);
        }

        if (!EntityTag.Matches(ifMatch, current.ETag))
        {
            return new(ManagementStatus.PreconditionFailed);
        }

        var users = new List<string>();
        await foreach (var campaign in stores.Campaigns.FindAcrossPartitionsAsync("brandKitId", id, cancellationToken))
        {
            users.Add(campaign.Id);
        }

        if (users.Count > 0)
        {
            return new(ManagementStatus.InUse, Detail: $"Brand kit '{id}' is used by campaign(s) {string.Join(", ", users.Order(StringComparer.Ordinal))}; change them first.");
        }

        using var response = await stores.BrandKits.Container.DeleteItemStreamAsync(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                return new(ManagementStatus.NotFound);
            case HttpStatusCode.PreconditionFailed:
                return new(ManagementStatus.PreconditionFailed);
            default:
                response.EnsureSuccessStatusCode();
                return new(ManagementStatus.Succeeded, current.Value, current.ETag);
        }
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
