using System.Globalization;
using System.Net;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Campaigns;

/// <summary>
/// Campaign management over Cosmos DB with optimistic concurrency: every change names the ETag it
/// was based on, is validated as a whole document (<see cref="CampaignValidator"/>), is written
/// only if the stored ETag is still that one, and is announced to <see cref="ICampaignChangeNotifier"/>.
/// </summary>
public sealed class CampaignManager(CampaignStores stores, ICampaignChangeNotifier notifier, TimeProvider time)
{
    public async Task<IReadOnlyList<CampaignDocument>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        var query = status is null
            ? new DocumentQuery("SELECT * FROM c")
            : new DocumentQuery("SELECT * FROM c WHERE c.status = @status").WithParameter("@status", status);
        var campaigns = new List<CampaignDocument>();
        await foreach (var campaign in stores.Campaigns.QueryAcrossPartitionsAsync(query, cancellationToken))
        {
            campaigns.Add(campaign);
        }

        return [.. campaigns.OrderBy(c => c.Id, StringComparer.Ordinal)];
    }

    public Task<StoredDocument<CampaignDocument>?> GetAsync(string id, CancellationToken cancellationToken) =>
        CampaignValidator.IsValidId(id) ? stores.Campaigns.ReadAsync(id, id, cancellationToken) : Task.FromResult<StoredDocument<CampaignDocument>?>(null);

    public async Task<ManagementResult<CampaignDocument>> CreateAsync(CampaignDocument campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        campaign = DocumentDefaults.Apply(campaign);
        var errors = await ValidateAsync(campaign, cancellationToken);
        if (!errors.IsEmpty)
        {
            return new(ManagementStatus.Invalid, Errors: errors);
        }

        var result = await stores.Campaigns.CreateAsync(campaign with { UpdatedAt = time.GetUtcNow() }, cancellationToken);
        if (result.Status == WriteStatus.AlreadyExists)
        {
            return new(ManagementStatus.AlreadyExists, Detail: $"Campaign '{campaign.Id}' already exists; replace it with PUT and If-Match.");
        }

        notifier.CampaignChanged(campaign.Id);
        return new(ManagementStatus.Created, result.Document!.Value, result.Document.ETag);
    }

    /// <summary>Replaces the whole campaign, if it still has the ETag <paramref name="ifMatch"/>.</summary>
    public Task<ManagementResult<CampaignDocument>> ReplaceAsync(string id, CampaignDocument campaign, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return UpdateAsync(id, ifMatch, _ => campaign, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored campaign (e.g. replaces its rules), if it still
    /// has the ETag <paramref name="ifMatch"/>; the whole result is validated before it is written.
    /// </summary>
    public async Task<ManagementResult<CampaignDocument>> UpdateAsync(string id, string ifMatch, Func<CampaignDocument, CampaignDocument> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
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

        var changed = DocumentDefaults.Apply(change(current.Value));
        if (!string.Equals(changed.Id, id, StringComparison.Ordinal))
        {
            var mismatch = new FieldErrors();
            mismatch.Add("id", $"The body's id '{changed.Id}' differs from the URL's '{id}'; a campaign cannot be renamed.");
            return new(ManagementStatus.Invalid, Errors: mismatch);
        }

        changed = changed with
        {
            Definition = changed.Definition is null ? null! : changed.Definition with { Version = NextVersion(current.Value.Definition.Version, changed.Definition.Version) },
            UpdatedAt = time.GetUtcNow(),
        };
        var errors = await ValidateAsync(changed, cancellationToken);
        if (!errors.IsEmpty)
        {
            return new(ManagementStatus.Invalid, Errors: errors);
        }

        // Conditional on the ETag just compared: a writer in between makes this a 412, never a lost update.
        var result = await stores.Campaigns.ReplaceAsync(changed, current.ETag, cancellationToken);
        switch (result.Status)
        {
            case WriteStatus.Succeeded:
                notifier.CampaignChanged(id);
                return new(ManagementStatus.Succeeded, result.Document!.Value, result.Document.ETag);
            case WriteStatus.NotFound:
                return new(ManagementStatus.NotFound);
            default:
                return new(ManagementStatus.PreconditionFailed);
        }
    }

    public async Task<ManagementResult<CampaignDocument>> DeleteAsync(string id, string ifMatch, CancellationToken cancellationToken)
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

        try
        {
            using var response = await stores.Campaigns.Container.DeleteItemStreamAsync(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    return new(ManagementStatus.NotFound);
                case HttpStatusCode.PreconditionFailed:
                    return new(ManagementStatus.PreconditionFailed);
                default:
                    response.EnsureSuccessStatusCode();
                    break;
            }
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return new(ManagementStatus.PreconditionFailed);
        }

        notifier.CampaignChanged(id);
        return new(ManagementStatus.Succeeded, current.Value, current.ETag);
    }

    private async Task<FieldErrors> ValidateAsync(CampaignDocument campaign, CancellationToken cancellationToken)
    {
        BrandKitDocument? kit = null;
        if (campaign.BrandKitId is { } kitId && !string.IsNullOrWhiteSpace(kitId) && kitId.AsSpan().IndexOfAny("/\\?#") < 0)
        {
            kit = (await stores.BrandKits.ReadAsync(kitId, kitId, cancellationToken))?.Value;
        }

        return CampaignValidator.Validate(campaign, kit);
    }

    /// <summary>A client that sends the stored version unchanged gets the next number: every stored change is a new policy version.</summary>
    private static string NextVersion(string stored, string incoming)
    {
        if (!string.Equals(stored, incoming, StringComparison.Ordinal))
        {
            return incoming;
        }

        return long.TryParse(stored, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? (number + 1).ToString(CultureInfo.InvariantCulture)
            : stored + ".1";
    }
}
