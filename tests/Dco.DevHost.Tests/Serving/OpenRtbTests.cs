using System.Net;
using System.Text;
using System.Text.Json;
using Dco.Core.Serving.OpenRtb;

namespace Dco.DevHost.Tests.Serving;

public sealed class OpenRtbTests
{
    private static string NewId() => "r" + Guid.NewGuid().ToString("N")[..10];

    private static object Request(string placement, object? regs = null, object? device = null, object? user = null, double floor = 0.5) => new
    {
        id = "req-1",
        imp = new[] { new { id = "1", tagid = placement, banner = new { w = 300, h = 250 }, bidfloor = floor, bidfloorcur = "USD" } },
        site = new { id = "s1", page = "https://news.example/article" },
        device = device ?? new { ua = "Mozilla/5.0", devicetype = 2 },
        user,
        regs,
        at = 1,
        cur = new[] { "USD" },
    };

    private static async Task<HttpResponseMessage> BidAsync(HttpClient http, object body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/openrtb/bid")
        {
            Content = new StringContent(JsonSerializer.Serialize(body, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }), Encoding.UTF8, "application/json"),
            Headers = { { "x-functions-key", DevHostRunner.FunctionKey } },
        };
        return await http.SendAsync(message);
    }

    [SkippableFact]
    public async Task A_fillable_banner_gets_a_bid_that_validates_against_OpenRTB_2_6()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var request = Request(id + "-slot");

        using var response = await BidAsync(http, request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(OpenRtbJson.TryParseResponse(bytes, out var bidResponse, out var parseError), parseError?.Message);
        Assert.True(OpenRtbJson.TryParseRequest(JsonSerializer.SerializeToUtf8Bytes(request), out var parsedRequest, out _));
        Assert.Empty(OpenRtbValidator.ValidateResponse(bidResponse!, parsedRequest!));
        var bid = Assert.Single(Assert.Single(bidResponse!.Seatbid!).Bid!);
        Assert.Equal("1", bid.Impid);
        Assert.Contains("/api/t/i?t=", bid.Burl, StringComparison.Ordinal);
        Assert.StartsWith("dco-", bid.Crid, StringComparison.Ordinal);
        Assert.Contains("<h1>", bid.Adm, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Regulation_and_inventory_say_no_with_204()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var gdprWithoutConsent = await BidAsync(http, Request(id + "-slot", regs: new { gdpr = 1 }));
        using var usPrivacyOptOut = await BidAsync(http, Request(id + "-slot", regs: new { us_privacy = "1YYN" }));
        using var unknownPlacement = await BidAsync(http, Request("not-ours"));
        using var floorTooHigh = await BidAsync(http, Request(id + "-slot", floor: 50));

        Assert.Equal(HttpStatusCode.NoContent, gdprWithoutConsent.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, usPrivacyOptOut.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unknownPlacement.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, floorTooHigh.StatusCode);
        Assert.Contains("Gdpr", gdprWithoutConsent.Headers.GetValues("X-Dco-NoBid-Reason").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task Do_not_track_still_bids_but_contextually()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await BidAsync(http, Request(id + "-slot", device: new { ua = "Mozilla/5.0", dnt = 1 }, user: new { buyeruid = "viewer-9" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [SkippableFact]
    public async Task A_malformed_bid_request_is_a_400_with_the_reason()
    {
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(NewId()));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var noImps = await BidAsync(http, new { id = "x", imp = Array.Empty<object>(), site = new { id = "s" } });
        using var notJson = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/openrtb/bid") { Content = new StringContent("{\"id\": [", Encoding.UTF8, "application/json"), Headers = { { "x-functions-key", DevHostRunner.FunctionKey } } });
        var problem = JsonDocument.Parse(await noImps.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, noImps.StatusCode);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("imp", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [SkippableTheory]
    [InlineData(false)] // refused on its Content-Length, before it is read
    [InlineData(true)] // chunked, no length: refused once more than the bound has arrived
    public async Task A_bid_request_over_256_KB_is_a_413_however_it_is_sent(bool chunked)
    {
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(NewId()));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var padded = "{\"id\":\"req-1\",\"ext\":{\"pad\":\"" + new string('a', 300 * 1024) + "\"}}";
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/openrtb/bid")
        {
            Content = new StringContent(padded, Encoding.UTF8, "application/json"),
            Headers = { { "x-functions-key", DevHostRunner.FunctionKey } },
        };
        message.Headers.TransferEncodingChunked = chunked;

        using var response = await http.SendAsync(message);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("262144 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
