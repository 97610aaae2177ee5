namespace Dco.Infrastructure.Campaigns;

/// <summary>
/// Told after every successful change to a campaign (create, replace, sub-resource update, delete)
/// so the serving snapshot refreshes without waiting for its background poll. Must not throw and
/// must return quickly: it runs on the management request.
/// </summary>
public interface ICampaignChangeNotifier
{
    void CampaignChanged(string campaignId);
}

/// <summary>Default until the serving snapshot cache registers itself: nothing listens.</summary>
public sealed class NullCampaignChangeNotifier : ICampaignChangeNotifier
{
    public void CampaignChanged(string campaignId)
    {
    }
}
