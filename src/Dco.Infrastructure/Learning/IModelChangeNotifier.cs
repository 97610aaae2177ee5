namespace Dco.Infrastructure.Learning;

/// <summary>Told after a campaign's model state was written, so serving snapshots can refresh it.</summary>
public interface IModelChangeNotifier
{
    void ModelChanged(string campaignId);
}

/// <summary>The default when no snapshot cache is registered: nothing to refresh.</summary>
public sealed class NoModelChangeNotifier : IModelChangeNotifier
{
    public void ModelChanged(string campaignId)
    {
    }
}
