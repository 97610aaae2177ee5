using Dco.Core.Serving.Tracking;

namespace Dco.Core.Tests.Serving.Tracking;

public sealed class TrafficClassifierTests
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private readonly TrafficClassifier classifier = new();

    [Theory]
    [InlineData(Chrome)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36")]
    public void Ordinary_browsers_are_billable(string userAgent)
    {
        Assert.True(classifier.Classify(userAgent).IsBillable);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "googlebot")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bingbot")]
    [InlineData("AdsBot-Google (+http://www.google.com/adsbot.html)", "adsbot-google")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", "headlesschrome")]
    [InlineData("python-requests/2.32.3", "python-requests")]
    [InlineData("curl/8.5.0", "curl/")]
    [InlineData("Wget/1.21.4", "wget/")]
    [InlineData("Go-http-client/2.0", "go-http-client")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "facebookexternalhit")]
    public void Known_automated_clients_are_not_billable_and_name_the_token(string userAgent, string token)
    {
        var result = classifier.Classify(userAgent);

        Assert.Equal(NonBillableReason.KnownBot, result.Reason);
        Assert.Equal(token, result.Evidence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_user_agent_is_not_billable(string? userAgent)
    {
        Assert.Equal(NonBillableReason.EmptyUserAgent, classifier.Classify(userAgent).Reason);
    }

    [Theory]
    [InlineData("Purpose", "prefetch")]
    [InlineData("sec-purpose", "prefetch")]
    [InlineData("Sec-Purpose", "prefetch;prerender")]
    [InlineData("X-Moz", "prefetch")]
    [InlineData("X-PURPOSE", "Prefetch")]
    public void Speculative_fetches_are_not_billable_whatever_the_header_case(string header, string value)
    {
        var result = classifier.Classify(Chrome, new Dictionary<string, string?> { [header] = value });

        Assert.Equal(NonBillableReason.Prefetch, result.Reason);
        Assert.Contains(value, result.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preview_fetch_is_not_billable()
    {
        var result = classifier.Classify(Chrome, new Dictionary<string, string?> { ["X-Purpose"] = "preview" });

        Assert.Equal(NonBillableReason.Preview, result.Reason);
    }

    [Fact]
    public void Unrelated_headers_and_purpose_values_keep_a_browser_billable()
    {
        var headers = new Dictionary<string, string?>
        {
            ["Accept"] = "image/avif,image/webp,*/*",
            ["Purpose"] = "navigate",
            ["Sec-Purpose"] = null,
            ["Referer"] = "https://news.example/prefetch",
        };

        Assert.True(classifier.Classify(Chrome, headers).IsBillable);
    }

    [Fact]
    public void A_custom_token_list_replaces_the_default()
    {
        var custom = new TrafficClassifier(["internal-monitor"]);

        Assert.Equal(NonBillableReason.KnownBot, custom.Classify("internal-monitor/1.0").Reason);
        Assert.True(custom.Classify("curl/8.5.0").IsBillable);
        Assert.Throws<ArgumentException>(() => new TrafficClassifier([" "]));
    }
}
