using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Campaigns;

/// <summary>Read access to configured campaigns, for the serving snapshot.</summary>
public interface ICampaignCatalog
{
    Task<IReadOnlyList<CampaignDocument>> ListActiveAsync(CancellationToken cancellationToken);

    Task<CampaignDocument?> GetAsync(string id, CancellationToken cancellationToken);
}
