using Dco.Infrastructure.Learning;

namespace Dco.Infrastructure.Serving.Snapshots;

/// <summary>Turns "a model changed" into a prompt rebuild of the serving snapshot.</summary>
internal sealed class SnapshotInvalidation(ServingSnapshotCache cache) : IModelChangeNotifier
{
    public void ModelChanged(string campaignId) => cache.Invalidate();
}
