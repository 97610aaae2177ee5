using System.ComponentModel.DataAnnotations;

namespace Dco.Infrastructure.Serving;

/// <summary>Serve-time settings, section <c>SERVING</c> (e.g. <c>SERVING__publicBaseUrl</c>).</summary>
public sealed class ServingOptions
{
    public const string SectionName = "SERVING";

    /// <summary>Base URL of this app as ad platforms reach it (tracking URLs start with it); unset: the request's own host.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The configured public base URL, or the one the request came in on when none (or an empty one) is set.</summary>
    public Uri BaseUrlFor(string scheme, string host)
    {
        if (PublicBaseUrl is { IsAbsoluteUri: true } configured)
        {
            return configured;
        }

        // Requests mostly come in on one host: parse it once, not per request.
        var last = lastRequestBaseUrl;
        if (last is not null && last.Scheme == scheme && last.Host == host)
        {
            return last.Url;
        }

        var url = new Uri($"{scheme}://{host}/");
        lastRequestBaseUrl = new RequestBaseUrl(scheme, host, url);
        return url;
    }

    private sealed record RequestBaseUrl(string Scheme, string Host, Uri Url);

    private volatile RequestBaseUrl? lastRequestBaseUrl;

    /// <summary>How often campaigns, models and signals are reloaded when nothing announced a change.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long decision records are kept (Cosmos TTL): conversions later than this no longer join.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan DecisionRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Time budget for reading a viewer's profile on a cache miss; past it the decision goes on without it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan ProfileReadBudget { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Viewers whose frequency state is kept in memory (least recently used beyond this are dropped).</summary>
    [Range(1000, 10_000_000)]
    public int ViewerCacheSize { get; set; } = 200_000;

    /// <summary>
    /// How often viewers' new impressions are written to their frequency buckets: one read and one write
    /// per bucket with new impressions per interval, and the delay before other instances (and a
    /// restarted one) count them in frequency caps.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ViewerFlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Buckets that viewers' recent impressions are stored in (docs/decisions/0011): at most this many
    /// writes per flush interval. A bucket document holds a few hundred bytes per viewer with impressions
    /// in the last 30 days and Cosmos allows 2 MB, so 1,024 buckets hold about five million such viewers;
    /// raise it for more. Changing it re-buckets viewers, who then start from no recorded impressions.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FrequencyBuckets { get; set; } = 1024;

    /// <summary>Our IAB TCF vendor id: TCF strings must grant it consent for personalized decisions (0: not registered, so TCF alone never grants it).</summary>
    [Range(0, 65535)]
    public int TcfVendorId { get; set; }

    /// <summary>CPM (USD) bid on an OpenRTB impression we can fill; impressions whose floor is higher get no bid.</summary>
    [Range(0.0, 1000.0)]
    public double OpenRtbBidCpm { get; set; } = 2.0;

    /// <summary>Seat id in OpenRTB responses.</summary>
    public string OpenRtbSeat { get; set; } = "dco";

    /// <summary>Seed of the decision randomness (each decision reseeds from it and its id: reproducible).</summary>
    public ulong Seed { get; set; } = 20261128;
}
