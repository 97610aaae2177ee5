using System.Globalization;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Campaigns;

/// <summary>
/// Campaign management over Cosmos DB with the optimistic concurrency of <see cref="DocumentManager{T}"/>:
/// every change is validated as a whole document against its brand kit (<see cref="CampaignValidator"/>),
/// makes a new policy version, and is announced to <see cref="ICampaignChangeNotifier"/>.
/// </summary>
public sealed class CampaignManager(CampaignStores stores, ICampaignChangeNotifier notifier, TimeProvider time)
    : DocumentManager<CampaignDocument>(stores.Campaigns, time)
{
    public override string Kind => "campaign";

    public override string IdOf(CampaignDocument document) => document.Id;

    /// <summary>Every campaign, or only those with <paramref name="status"/> when given.</summary>
    public Task<IReadOnlyList<CampaignDocument>> ListAsync(string? status, CancellationToken cancellationToken) =>
        status is null
            ? ListAsync(cancellationToken)
            : QueryAsync(new DocumentQuery("SELECT * FROM c WHERE c.status = @status").WithParameter("@status", status), cancellationToken);

    /// <summary>A renamed campaign would also fail on its <c>definition.id</c>: the rename is reported alone.</summary>
    protected override bool ValidatesRenamed => false;

    protected override CampaignDocument WithDefaults(CampaignDocument document) => DocumentDefaults.Apply(document);

    protected override async Task<FieldErrors> ValidateAsync(CampaignDocument document, CancellationToken cancellationToken)
    {
        BrandKitDocument? kit = null;
        if (document.BrandKitId is { } kitId && !string.IsNullOrWhiteSpace(kitId) && kitId.AsSpan().IndexOfAny("/\\?#") < 0)
        {
            kit = (await stores.BrandKits.ReadAsync(kitId, kitId, cancellationToken))?.Value;
        }

        return CampaignValidator.Validate(document, kit);
    }

    protected override CampaignDocument Stamp(CampaignDocument document, CampaignDocument? stored, DateTimeOffset now) =>
        stored is null || document.Definition is null
            ? document with { UpdatedAt = now }
            : document with
            {
                Definition = document.Definition with { Version = NextVersion(stored.Definition.Version, document.Definition.Version) },
                UpdatedAt = now,
            };

    protected override void OnChanged(string id) => notifier.CampaignChanged(id);

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
