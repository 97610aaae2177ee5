using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Tests.Serving;

public sealed class DecisionPlaceholdersTests
{
    private static readonly List<ServedAsset> Assets =
    [
        new("headline", "headline-rain", "text", "Rain <is> coming", null, null, null, null, "https://t.example/c?a=headline"),
        new("image", "image-umbrella", "image", null, "https://cdn.example/u.jpg", 300, 250, "Umbrella", null),
    ];

    [Theory]
    [InlineData("impression_url", "https://t.example/i")]
    [InlineData("click_url", "https://t.example/c?a=primary")]
    [InlineData("decision_id", "page-3")]
    [InlineData("campaign_id", "demo")]
    [InlineData("placement_id", "")]
    [InlineData("headline.id", "headline-rain")]
    [InlineData("headline.kind", "text")]
    [InlineData("headline.text", "Rain <is> coming")]
    [InlineData("headline.alt", "")]
    [InlineData("headline.width", "")]
    [InlineData("headline.click_url", "https://t.example/c?a=headline")]
    [InlineData("image.url", "https://cdn.example/u.jpg")]
    [InlineData("image.text", "")]
    [InlineData("image.alt", "Umbrella")]
    [InlineData("image.width", "300")]
    [InlineData("image.height", "250")]
    [InlineData("image.click_url", "https://t.example/c?a=primary")] // no click of its own: the creative's
    public void Every_placeholder_the_management_api_accepts_has_the_decisions_value(string name, string expected)
    {
        var values = new DecisionPlaceholders(Assets, "https://t.example/i", "https://t.example/c?a=primary", "page-3", "demo", null);

        Assert.True(values.TryGetValue(name, out var value));
        Assert.Equal(expected, value);
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
        var values = new DecisionPlaceholders(Assets, "https://t.example/i", null, "page-3", "demo", "leaderboard");

        Assert.True(!values.TryGetValue(name, out var value) || value is null);
    }
}
