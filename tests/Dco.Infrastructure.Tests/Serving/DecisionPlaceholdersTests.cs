using Dco.Core.Decisioning;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tests.Serving;

public sealed class DecisionPlaceholdersTests
{
    private static readonly List<ServedAsset> Assets =
    [
        new("headline", "headline-rain", "text", "Rain <is> coming", null, null, null, null),
        new("image", "image-umbrella", "image", null, "https://cdn.example/u.jpg", 300, 250, "Umbrella"),
    ];

    // The headline has a destination, so its click URL is signed up front; the image has none.
    private static readonly TrackingLinks Links = LinksWithDestinations(new Dictionary<string, string> { ["headline-rain"] = "https://shop.example/rain" });

    private static TrackingLinks LinksWithDestinations(IReadOnlyDictionary<string, string> destinations)
    {
        var keys = new TrackingKeyRing(
            new SigningKeyCache(new SettingsSigningKeySource("TRACKING", "k1:" + Convert.ToBase64String(new byte[32]), null)),
            TimeProvider.System);
        var record = new DecisionRecord
        {
            DecisionId = "page-3",
            CampaignId = "demo",
            CampaignVersion = "1",
            PolicyName = "uniform",
            PolicyVersion = "1.0",
            DecidedAt = DateTimeOffset.UtcNow,
            Consent = ConsentLevel.Full,
            AssetIds = ["headline-rain", "image-umbrella"],
            Propensity = 0.5,
        };
        return new TrackingUrls(keys, Options.Create(new TrackingOptions())).LinksFor(record, new Uri("https://t.example/"), destinations);
    }

    [Theory]
    [InlineData("impression_url", "{impression}")]
    [InlineData("click_url", "{headline click}")] // the creative's: the first served asset's with a destination
    [InlineData("decision_id", "page-3")]
    [InlineData("campaign_id", "demo")]
    [InlineData("placement_id", "")]
    [InlineData("headline.id", "headline-rain")]
    [InlineData("headline.kind", "text")]
    [InlineData("headline.text", "Rain <is> coming")]
    [InlineData("headline.alt", "")]
    [InlineData("headline.width", "")]
    [InlineData("headline.click_url", "{headline click}")]
    [InlineData("image.url", "https://cdn.example/u.jpg")]
    [InlineData("image.text", "")]
    [InlineData("image.alt", "Umbrella")]
    [InlineData("image.width", "300")]
    [InlineData("image.height", "250")]
    [InlineData("image.click_url", "{headline click}")] // no click of its own: the creative's
    public void Every_placeholder_the_management_api_accepts_has_the_decisions_value(string name, string expected)
    {
        var values = new DecisionPlaceholders(Assets, Links, 0, "page-3", "demo", null);
        expected = expected switch
        {
            "{impression}" => Links.ImpressionUrl,
            "{headline click}" => Links.ClickUrl("headline-rain"),
            _ => expected,
        };

        Assert.True(values.TryGetValue(name, out var value));
        Assert.Equal(expected, value);
        Assert.StartsWith("https://t.example/api/t/", Links.ImpressionUrl, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("impression_url", true)]
    [InlineData("click_url", true)]
    [InlineData("headline.click_url", true)]
    [InlineData("image.click_url", true)] // the creative's
    [InlineData("headline.text", false)]
    [InlineData("decision_id", false)]
    [InlineData("cta.click_url", false)] // no such slot was served
    public void The_signed_urls_are_also_given_as_the_utf8_the_decision_holds(string name, bool held)
    {
        var values = new DecisionPlaceholders(Assets, Links, 0, "page-3", "demo", null);

        Assert.Equal(held, values.TryGetUtf8(name, out var utf8));
        if (held)
        {
            Assert.True(values.TryGetValue(name, out var text));
            Assert.Equal(text, System.Text.Encoding.UTF8.GetString(utf8));
        }
    }

    [Fact]
    public void Without_an_asset_with_a_destination_the_click_placeholders_have_no_value()
    {
        var values = new DecisionPlaceholders(Assets, LinksWithDestinations(new Dictionary<string, string>()), -1, "page-3", "demo", null);

        Assert.True(values.TryGetValue("click_url", out var creative));
        Assert.Null(creative);
        Assert.True(values.TryGetValue("headline.click_url", out var headline));
        Assert.Null(headline);
        Assert.False(values.TryGetUtf8("click_url", out _));
        Assert.False(values.TryGetUtf8("headline.click_url", out _));
    }

    [Theory]
    [InlineData("headline.url")] // a text asset has no URL: rendering reports it
    [InlineData("cta.text")] // no such slot was served
    [InlineData("headline.colour")]
    [InlineData("headline")]
    [InlineData(".id")]
    [InlineData("variant")]
    public void Anything_else_has_no_value(string name)
    {
        var values = new DecisionPlaceholders(Assets, Links, 0, "page-3", "demo", "leaderboard");

        Assert.True(!values.TryGetValue(name, out var value) || value is null);
    }
}
