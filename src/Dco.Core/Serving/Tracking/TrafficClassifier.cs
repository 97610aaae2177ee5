using System.Buffers;

namespace Dco.Core.Serving.Tracking;

/// <summary>Why a tracking hit is kept out of billable counts.</summary>
public enum NonBillableReason
{
    None = 0,

    /// <summary>No User-Agent header, or only whitespace: real browsers always send one.</summary>
    EmptyUserAgent,

    /// <summary>The user agent contains a known crawler, headless-browser or HTTP-library token.</summary>
    KnownBot,

    /// <summary>The browser fetched the URL speculatively (Purpose/Sec-Purpose/X-Moz: prefetch, prerender).</summary>
    Prefetch,

    /// <summary>A link preview or page preview fetched the URL (X-Purpose: preview).</summary>
    Preview,
}

/// <summary>Billable, or not billable with the reason and the token or header that decided it.</summary>
public readonly record struct TrafficClassification(NonBillableReason Reason, string? Evidence)
{
    public static TrafficClassification Billable => default;

    public bool IsBillable => Reason == NonBillableReason.None;
}

/// <summary>
/// Flags bots and speculative fetches from the user agent and request headers, so they are recorded
/// with a reason but kept out of billable impression and click counts. Pure string matching: no
/// ASP.NET types, no I/O; header names are matched case-insensitively whatever the dictionary's comparer.
/// </summary>
public sealed class TrafficClassifier
{
    /// <summary>User-agent substrings (case-insensitive) that mark automated clients.</summary>
    public static readonly IReadOnlyList<string> DefaultBotTokens =
    [
        "googlebot", "adsbot-google", "mediapartners-google", "google-inspectiontool", "googleother",
        "bingbot", "bingpreview", "adidxbot", "msnbot", "slurp", "duckduckbot", "baiduspider", "yandex",
        "sogou", "exabot", "facebookexternalhit", "facebot", "meta-externalagent", "twitterbot", "linkedinbot",
        "slackbot", "discordbot", "telegrambot", "whatsapp", "skypeuripreview", "pinterestbot", "applebot",
        "petalbot", "semrushbot", "ahrefsbot", "mj12bot", "dotbot", "bytespider", "gptbot", "chatgpt-user",
        "claudebot", "ccbot", "amazonbot", "headlesschrome", "phantomjs", "puppeteer", "playwright", "selenium",
        "python-requests", "python-urllib", "aiohttp", "httpx", "curl/", "wget/", "libwww-perl", "go-http-client",
        "java/", "okhttp", "apache-httpclient", "node-fetch", "axios/", "postmanruntime", "insomnia",
        "scrapy", "httpclient", "crawler", "spider", "bot/", "bot;", "+http",
    ];

    private readonly string[] botTokens;
    private readonly SearchValues<string> botSearch;

    public TrafficClassifier()
        : this(DefaultBotTokens)
    {
    }

    /// <param name="botTokens">User-agent substrings matched case-insensitively; replaces the default list.</param>
    public TrafficClassifier(IEnumerable<string> botTokens)
    {
        ArgumentNullException.ThrowIfNull(botTokens);
        this.botTokens = botTokens.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (this.botTokens.Length == 0)
        {
            throw new ArgumentException("At least one bot token is required.", nameof(botTokens));
        }

        botSearch = SearchValues.Create(this.botTokens, StringComparison.OrdinalIgnoreCase);
    }

    /// <param name="userAgent">The User-Agent header value (null when absent).</param>
    /// <param name="headers">Other request headers by name; may be null. Values holding several comma-separated tokens are split.</param>
    public TrafficClassification Classify(string? userAgent, IReadOnlyDictionary<string, string?>? headers = null)
    {
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                if (string.IsNullOrEmpty(value))
                {
                    continue;
                }

                if (name.Equals("Purpose", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Sec-Purpose", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("X-Moz", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("X-Purpose", StringComparison.OrdinalIgnoreCase))
                {
                    if (ContainsToken(value, "preview"))
                    {
                        return new(NonBillableReason.Preview, $"{name}: {value}");
                    }

                    if (ContainsToken(value, "prefetch") || ContainsToken(value, "prerender"))
                    {
                        return new(NonBillableReason.Prefetch, $"{name}: {value}");
                    }
                }
            }
        }

        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return new(NonBillableReason.EmptyUserAgent, null);
        }

        var ua = userAgent.AsSpan();
        var index = ua.IndexOfAny(botSearch);
        if (index >= 0)
        {
            foreach (var token in botTokens)
            {
                if (ua[index..].StartsWith(token, StringComparison.OrdinalIgnoreCase))
                {
                    return new(NonBillableReason.KnownBot, token);
                }
            }
        }

        return TrafficClassification.Billable;
    }

    /// <summary>True when a structured-header style value (<c>prefetch;prerender</c>, <c>preview, x</c>) holds <paramref name="token"/>.</summary>
    private static bool ContainsToken(string value, string token)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOfAny(';', ',');
            var part = (end < 0 ? rest : rest[..end]).Trim();
            if (part.Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            rest = end < 0 ? default : rest[(end + 1)..];
        }

        return false;
    }
}
