using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Campaigns;

/// <summary>Campaigns from the <c>campaigns</c> container (partition <c>/id</c>).</summary>
public sealed class CosmosCampaignCatalog(CosmosStores stores) : ICampaignCatalog
{
    private readonly CosmosDocumentStore<CampaignDocument> campaigns = stores.For<CampaignDocument>(CosmosContainers.Campaigns, c => c.Id, c => c.Id);

    public async Task<IReadOnlyList<CampaignDocument>> ListActiveAsync(CancellationToken cancellationToken)
    {
        var active = new List<CampaignDocument>();
        var query = new DocumentQuery("SELECT * FROM c WHERE c.status = @status").WithParameter("@status", "active");
        await foreach (var campaign in campaigns.QueryAcrossPartitionsAsync(query, cancellationToken))
        {
            active.Add(campaign);
        }

        return active;
    }

    public async Task<CampaignDocument?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await campaigns.ReadAsync(id, id, cancellationToken))?.Value;
}
