using System.Buffers;
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
    /// <param name="destinations">
    /// The chosen assets' click destinations, by asset id: each chosen asset that has one gets its click URL signed
    /// here, with the impression's (decide's case). Null: click URLs are signed when asked for (<see cref="TrackingLinks.ClickUrl"/>).
    /// </param>
    TrackingLinks LinksFor(DecisionRecord decision, Uri baseUrl, IReadOnlyDictionary<string, string>? destinations = null);
}

/// <summary>
/// The impression URL and a click URL for each chosen asset (click tokens name the asset; the destination
/// stays server-side). The impression URL and the click URLs signed up front are kept as UTF-8 in one array per
/// decision, which decide writes into its response as they are: strings of them (about 140 characters each) are
/// made only when asked for, as the creative's placeholders and OpenRTB do.
/// </summary>
public sealed class TrackingLinks
{
    private readonly DecisionTokenSigner tokens;
    private readonly string clickPrefix;
    private readonly IReadOnlyList<string> assetIds;

    // The impression URL, then the click URL of each slot signed up front; clickEnds[slot] is where the slot's ends
    // (equal to the previous end: none). Rented from the shared pool; null once released.
    private byte[]? urls;
    private readonly int impressionLength;
    private readonly int[]? clickEnds;
    private string? impressionUrl;
    private string?[]? clickUrls;

    internal TrackingLinks(DecisionTokenSigner tokens, TrackingPrefixes prefixes, IReadOnlyList<string> assetIds, IReadOnlyDictionary<string, string>? destinations)
    {
        this.tokens = tokens;
        clickPrefix = prefixes.Click;
        this.assetIds = assetIds;

        impressionLength = prefixes.ImpressionUtf8.Length + tokens.TokenLength(null);
        var total = impressionLength;
        if (destinations is not null)
        {
            clickEnds = new int[assetIds.Count];
            for (var slot = 0; slot < assetIds.Count; slot++)
            {
                if (destinations.ContainsKey(assetIds[slot]))
                {
                    total += prefixes.ClickUtf8.Length + tokens.TokenLength(assetIds[slot]);
                }

                clickEnds[slot] = total;
            }
        }

        urls = ArrayPool<byte>.Shared.Rent(total);
        var at = Append(prefixes.ImpressionUtf8, TrackingEventKind.Impression, null, 0);
        if (clickEnds is not null)
        {
            for (var slot = 0; slot < clickEnds.Length; slot++)
            {
                if (clickEnds[slot] != at)
                {
                    at = Append(prefixes.ClickUtf8, TrackingEventKind.Click, assetIds[slot], at);
                }
            }
        }

        if (at != total)
        {
            throw new InvalidOperationException($"The decision's tracking URLs took {at} bytes where {total} were worked out.");
        }
    }

    public string ImpressionUrl => impressionUrl ??= Encoding.UTF8.GetString(ImpressionUrlUtf8);

    /// <summary>The impression URL as UTF-8 (ASCII).</summary>
    /// <exception cref="ObjectDisposedException">The links were released (<see cref="Release"/>).</exception>
    public ReadOnlySpan<byte> ImpressionUrlUtf8 => Urls.AsSpan(0, impressionLength);

    /// <summary>Every chosen asset's click URL, by asset id (signs any not signed up front).</summary>
    public IReadOnlyDictionary<string, string> ClickUrls => assetIds.Distinct(StringComparer.Ordinal).ToDictionary(a => a, ClickUrl, StringComparer.Ordinal);

    /// <summary>Whether the asset chosen for <paramref name="slot"/> had its click URL signed up front (it has a destination).</summary>
    public bool HasClickUrl(int slot) => ClickRange(slot) is { } range && range.End.Value > range.Start.Value;

    /// <summary>The click URL signed up front for <paramref name="slot"/>'s asset, as UTF-8 (ASCII); empty when there is none.</summary>
    public ReadOnlySpan<byte> ClickUrlUtf8(int slot) => ClickRange(slot) is { } range ? Urls.AsSpan(range) : default;

    /// <summary>
    /// Gives the UTF-8 URLs' buffer back to the shared pool, once the response they were written into is sent
    /// (decide's ~1 KB a request would otherwise be garbage). Strings made before stay valid; the UTF-8 forms, and
    /// strings not made yet, throw <see cref="ObjectDisposedException"/> afterwards. Releasing twice does nothing.
    /// </summary>
    public void Release()
    {
        var rented = urls;
        urls = null;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private byte[] Urls => urls ?? throw new ObjectDisposedException(nameof(TrackingLinks), "The decision's tracking URLs were released after its response was written.");

    /// <summary>The click URL signed up front for <paramref name="slot"/>'s asset as a string (made once), or null when there is none.</summary>
    public string? ClickUrlOf(int slot)
    {
        if (!HasClickUrl(slot))
        {
            return null;
        }

        var made = clickUrls ??= new string?[assetIds.Count];
        return made[slot] ??= Encoding.UTF8.GetString(ClickUrlUtf8(slot));
    }

    /// <summary>The click URL for an asset of the decision.</summary>
    /// <exception cref="ArgumentException">The asset was not chosen in this decision.</exception>
    public string ClickUrl(string assetId)
    {
        for (var slot = 0; slot < assetIds.Count; slot++)
        {
            if (string.Equals(assetIds[slot], assetId, StringComparison.Ordinal))
            {
                return ClickUrlOf(slot) ?? tokens.Sign(TrackingEventKind.Click, assetId, clickPrefix);
            }
        }

        throw new ArgumentException($"Asset '{assetId}' is not part of this decision.", nameof(assetId));
    }

    private Range? ClickRange(int slot)
    {
        if (clickEnds is null || (uint)slot >= (uint)clickEnds.Length)
        {
            return null;
        }

        return (slot == 0 ? impressionLength : clickEnds[slot - 1])..clickEnds[slot];
    }

    private int Append(byte[] prefix, TrackingEventKind kind, string? assetId, int at)
    {
        var buffer = Urls;
        prefix.CopyTo(buffer, at);
        at += prefix.Length;
        return at + tokens.Write(kind, assetId, buffer.AsSpan(at));
    }
}

/// <summary>The URLs before the token (<c>{root}api/t/i?t=</c> and <c>…/t/c?t=</c>), as text and UTF-8, made once per root rather than per URL.</summary>
internal sealed record TrackingPrefixes(string Root, string Impression, string Click, byte[] ImpressionUtf8, byte[] ClickUtf8)
{
    private static volatile TrackingPrefixes? last;

    public static TrackingPrefixes For(string root)
    {
        var cached = last;
        if (cached is not null && cached.Root == root)
        {
            return cached;
        }

        var impression = $"{root}api/{TrackingRoutes.Impression}?{TrackingRoutes.TokenParameter}=";
        var click = $"{root}api/{TrackingRoutes.Click}?{TrackingRoutes.TokenParameter}=";
        return last = new TrackingPrefixes(root, impression, click, Encoding.UTF8.GetBytes(impression), Encoding.UTF8.GetBytes(click));
    }
}

public sealed class TrackingUrls(TrackingKeyRing keys, IOptions<TrackingOptions> options) : ITrackingUrls
{
    public TrackingLinks LinksFor(DecisionRecord decision, Uri baseUrl, IReadOnlyDictionary<string, string>? destinations = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var expires = decision.DecidedAt + options.Value.TokenLifetime;
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/";

        // One origin tag for the decision's impression and clicks; the combination is in the stored decision, not the tokens.
        return new TrackingLinks(keys.Signer.ForDecision(decision.DecisionId, decision.CampaignId, expires), TrackingPrefixes.For(root), decision.AssetIds, destinations);
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
