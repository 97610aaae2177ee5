using System.Collections.Frozen;

namespace Dco.Core.Decisioning;

/// <summary>
/// The assets whose impressions a campaign's asset caps count. A viewer's impressions need keeping per
/// asset only for these: the campaign's and each combination's impressions are kept whatever the scope,
/// and per-asset times can always be rebuilt from the combinations' when the scope grows.
/// </summary>
public sealed class AssetCapScope
{
    /// <summary>Every asset: for a holder that does not know the campaign's caps.</summary>
    public static readonly AssetCapScope All = new(null);

    /// <summary>No asset: a campaign without asset caps.</summary>
    public static readonly AssetCapScope None = new(FrozenSet<string>.Empty);

    private readonly FrozenSet<string>? assets; // null: all

    private AssetCapScope(FrozenSet<string>? assets) => this.assets = assets;

    /// <summary>The scope of exactly <paramref name="assetIds"/> (<see cref="None"/> when empty).</summary>
    public static AssetCapScope Of(IEnumerable<string> assetIds)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var set = assetIds.ToFrozenSet(StringComparer.Ordinal);
        return set.Count == 0 ? None : new AssetCapScope(set);
    }

    /// <summary>Whether asset caps count <paramref name="assetId"/>'s impressions.</summary>
    public bool Counts(string assetId) => assets is null || assets.Contains(assetId);

    /// <summary>Whether the two scopes count the same assets (a campaign compiled again usually keeps its scope).</summary>
    public bool CountsTheSameAs(AssetCapScope other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other)
            || (assets is null ? other.assets is null : other.assets is not null && assets.SetEquals(other.assets));
    }
}
