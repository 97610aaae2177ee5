using System.Security.Cryptography;
using System.Text;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Tracking;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tracking;

/// <summary>The signer over the current tracking key ring (rebuilt when the ring is refreshed).</summary>
public sealed class TrackingKeyRing(SigningKeyCache keys, TimeProvider time)
{
    private volatile SignerForRing? current;

    public TrackingTokenSigner Signer
    {
        get
        {
            var ring = keys.Current;
            var cached = current;
            if (cached is not null && ReferenceEquals(cached.Ring, ring))
            {
                return cached.Signer;
            }

            var fresh = new SignerForRing(ring, new TrackingTokenSigner(ring, time));
            current = fresh;
            return fresh.Signer;
        }
    }

    public Task RefreshAsync(CancellationToken cancellationToken) => keys.RefreshAsync(cancellationToken);

    private sealed record SignerForRing(SigningKeyRing Ring, TrackingTokenSigner Signer);
}

/// <summary>Routes of the tracking endpoints (under the <c>api</c> prefix).</summary>
public static class TrackingRoutes
{
    public const string Impression = "t/i";
    public const string Click = "t/c";
    public const string Conversions = "conversions";
    public const string TokenParameter = "t";
}

/// <summary>Signed impression-pixel and click URLs of one decision, for decide and the OpenRTB bid.</summary>
public interface ITrackingUrls
{
    /// <param name="decision">The decision served (its id, campaign, chosen assets and time).</param>
    /// <param name="baseUrl">Public base address of the app, e.g. <c>https://dco.example.com/</c>; <c>api/t/…</c> is appended.</param>
    TrackingLinks LinksFor(DecisionRecord decision, Uri baseUrl);
}

/// <summary>
/// The impression URL and a click URL for each chosen asset (click tokens name the asset; the destination
/// stays server-side). Click URLs are signed when asked for: decide asks only for the assets that have a
/// destination, and each signature is an HMAC and a string of about 140 characters.
/// </summary>
public sealed class TrackingLinks
{
    private readonly DecisionTokenSigner tokens;
    private readonly string clickPrefix;
    private readonly IReadOnlyList<string> assetIds;

    internal TrackingLinks(DecisionTokenSigner tokens, string impressionPrefix, string clickPrefix, IReadOnlyList<string> assetIds)
    {
        this.tokens = tokens;
        this.clickPrefix = clickPrefix;
        this.assetIds = assetIds;
        ImpressionUrl = tokens.Sign(TrackingEventKind.Impression, null, impressionPrefix);
    }

    public string ImpressionUrl { get; }

    /// <summary>Every chosen asset's click URL, by asset id (signs them all).</summary>
    public IReadOnlyDictionary<string, string> ClickUrls => assetIds.Distinct(StringComparer.Ordinal).ToDictionary(a => a, ClickUrl, StringComparer.Ordinal);

    /// <summary>The click URL for an asset of the decision.</summary>
    /// <exception cref="ArgumentException">The asset was not chosen in this decision.</exception>
    public string ClickUrl(string assetId)
    {
        for (var i = 0; i < assetIds.Count; i++)
        {
            if (string.Equals(assetIds[i], assetId, StringComparison.Ordinal))
            {
                return tokens.Sign(TrackingEventKind.Click, assetId, clickPrefix);
            }
        }

        throw new ArgumentException($"Asset '{assetId}' is not part of this decision.", nameof(assetId));
    }
}

public sealed class TrackingUrls(TrackingKeyRing keys, IOptions<TrackingOptions> options) : ITrackingUrls
{
    public TrackingLinks LinksFor(DecisionRecord decision, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var expires = decision.DecidedAt + options.Value.TokenLifetime;
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/";
        var prefixes = Prefixes.For(root);

        // One origin tag for the decision's impression and clicks; the combination is in the stored decision, not the tokens.
        return new TrackingLinks(keys.Signer.ForDecision(decision.DecisionId, decision.CampaignId, expires), prefixes.Impression, prefixes.Click, decision.AssetIds);
    }

    /// <summary>The URL before the token (<c>{root}api/t/i?t=</c>), built once per root rather than per URL.</summary>
    private sealed record Prefixes(string Root, string Impression, string Click)
    {
        private static volatile Prefixes? last;

        public static Prefixes For(string root)
        {
            var cached = last;
            if (cached is not null && cached.Root == root)
            {
                return cached;
            }

            return last = new Prefixes(
                root,
                $"{root}api/{TrackingRoutes.Impression}?{TrackingRoutes.TokenParameter}=",
                $"{root}api/{TrackingRoutes.Click}?{TrackingRoutes.TokenParameter}=");
        }
    }
}

/// <summary>The id of a combination (one asset per slot, slot order): readable when short, hashed when long.</summary>
public static class Combinations
{
    private const int MaximumReadableBytes = 120;

    public static string IdOf(IReadOnlyList<string> assetIds)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var joined = string.Join('+', assetIds);
        if (joined.Length > 0 && Encoding.UTF8.GetByteCount(joined) <= MaximumReadableBytes)
        {
            return joined;
        }

        return "h_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))[..32];
    }
}
