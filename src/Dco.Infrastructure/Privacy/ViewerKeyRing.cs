using Dco.Core.Serving.Privacy;
using Dco.Infrastructure.Tracking;

namespace Dco.Infrastructure.Privacy;

/// <summary>
/// The <see cref="ViewerPseudonymizer"/> over the current pseudonymization key ring. Decide uses
/// <see cref="Pseudonymizer"/>; delete looks a viewer up under every key still in the ring.
/// </summary>
public sealed class ViewerKeyRing(SigningKeyCache keys)
{
    private volatile PseudonymizerForRing? current;

    public ViewerPseudonymizer Pseudonymizer => Resolve().Pseudonymizer;

    /// <summary>The viewer's user key under every key of the ring (active first).</summary>
    public IReadOnlyList<string> AllUserKeys(string rawViewerId)
    {
        var resolved = Resolve();
        var ring = resolved.Ring;
        return [.. ring.KeyIds.OrderBy(id => id == ring.Active.Id ? 0 : 1).Select(id => resolved.Pseudonymizer.Pseudonymize(rawViewerId, id))];
    }

    public Task RefreshAsync(CancellationToken cancellationToken) => keys.RefreshAsync(cancellationToken);

    private PseudonymizerForRing Resolve()
    {
        var ring = keys.Current;
        var cached = current;
        if (cached is not null && ReferenceEquals(cached.Ring, ring))
        {
            return cached;
        }

        var fresh = new PseudonymizerForRing(ring, new ViewerPseudonymizer(ring));
        current = fresh;
        return fresh;
    }

    private sealed record PseudonymizerForRing(Core.Serving.Tracking.SigningKeyRing Ring, ViewerPseudonymizer Pseudonymizer);
}
