using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Learning;

namespace Dco.Infrastructure.Serving.Snapshots;

/// <summary>Turns "a campaign or its model changed" into a prompt rebuild of the serving snapshot.</summary>
internal sealed class SnapshotInvalidation(ServingSnapshotCache cache) : IModelChangeNotifier, ICampaignChangeNotifier
{
    public void ModelChanged(string campaignId) => cache.Invalidate();

    public void CampaignChanged(string campaignId) => cache.Invalidate();
}
