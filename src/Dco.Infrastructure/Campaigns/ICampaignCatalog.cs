using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Campaigns;

/// <summary>Read access to stored campaigns for the serving snapshot (never called on the hot path).</summary>
public interface ICampaignCatalog
{
    /// <summary>Every campaign whose status is <c>active</c> (a cross-partition query).</summary>
    Task<IReadOnlyList<CampaignDocument>> ListActiveAsync(CancellationToken cancellationToken);

    /// <summary>One campaign by id (a point read), or null.</summary>
    Task<CampaignDocument?> GetAsync(string id, CancellationToken cancellationToken);
}

/// <summary><see cref="ICampaignCatalog"/> over the <c>campaigns</c> container.</summary>
public sealed class CosmosCampaignCatalog(CampaignStores stores) : ICampaignCatalog
{
    public async Task<IReadOnlyList<CampaignDocument>> ListActiveAsync(CancellationToken cancellationToken)
    {
        var query = new DocumentQuery("SELECT * FROM c WHERE c.status = @status").WithParameter("@status", CampaignStatus.Active);
        var campaigns = new List<CampaignDocument>();
        await foreach (var campaign in stores.Campaigns.QueryAcrossPartitionsAsync(query, cancellationToken))
        {
            campaigns.Add(campaign);
        }

        return campaigns;
    }

    public async Task<CampaignDocument?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return CampaignValidator.IsValidId(id) ? (await stores.Campaigns.ReadAsync(id, id, cancellationToken))?.Value : null;
    }
}
