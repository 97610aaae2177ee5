using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Serving;

public sealed class DecideTests
{
    private static HttpRequestMessage Decide(object body, string key = DevHostRunner.FunctionKey, string query = "") =>
        new(HttpMethod.Post, "api/decide" + query) { Content = JsonContent.Create(body), Headers = { { "x-functions-key", key } } };

    private static string NewId() => "c" + Guid.NewGuid().ToString("N")[..10];

    [SkippableFact]
    public async Task Decide_returns_a_complete_creative_with_escaped_html_and_signed_tracking_urls()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.SendAsync(Decide(new { campaignId = id, viewerId = "viewer-42", consent = new { advertising = true, personalization = true }, context = new { geo = "NL-AMS", device = "mobile" } }));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var body = JsonDocument.Parse(bytes);
        var root = body.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength); // sent whole, with its length, not chunked
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(root.GetProperty("isDefault").GetBoolean());
        Assert.Equal(["headline", "image"], root.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("slot").GetString()));
        var image = root.GetProperty("assets")[1];
        Assert.Equal(300, image.GetProperty("width").GetInt32());
        Assert.StartsWith(new Uri(host.BaseAddress, "api/t/i?t=").ToString(), root.GetProperty("impressionUrl").GetString(), StringComparison.Ordinal);
        Assert.Contains("/api/t/c?t=", root.GetProperty("clickUrl").GetString(), StringComparison.Ordinal);
        var html = root.GetProperty("html").GetString()!;
        Assert.DoesNotContain("<shine>", html, StringComparison.Ordinal);
        Assert.InRange(root.GetProperty("propensity").GetDouble(), double.Epsilon, 1.0);
    }

    [SkippableFact]
    public async Task The_decision_record_is_written_with_its_propensity_and_without_the_raw_viewer_id()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        const string rawViewer = "raw-viewer-id-that-must-not-be-stored";

        using var response = await http.SendAsync(Decide(new { campaignId = id, viewerId = rawViewer, consent = new { advertising = true, personalization = true } }));
        var decisionId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("decisionId").GetString()!;
        Assert.True(DecisionIds.TryParse(decisionId, out var pageId, out _), decisionId);
        var store = DecisionLogWriter.DecisionPageStore(host.Services.GetRequiredService<CosmosStores>());
        StoredDocument<DecisionPageDocument>? page = null;
        for (var i = 0; i < 300 && page is null; i++) // written behind: allow a busy machine 30 s
        {
            await Task.Delay(100);
            page = await store.ReadAsync(pageId, id);
        }

        Assert.NotNull(page);
        var stored = Assert.Single(page.Value.Decisions, d => d.Id == decisionId);
        Assert.InRange(stored.Record.Propensity, double.Epsilon, 1.0);
        Assert.NotEqual("", stored.UserKey);
        Assert.Contains(stored.UserKey, page.Value.UserKeys);
        Assert.DoesNotContain(rawViewer, JsonSerializer.Serialize(page.Value, ServingJsonContext.Default.DecisionPageDocument), StringComparison.Ordinal);
        Assert.Equal((int)TimeSpan.FromDays(30).TotalSeconds, page.Value.TimeToLive);
    }

    [SkippableFact]
    public async Task Without_consent_to_advertising_the_default_creative_is_served_with_its_reason()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.SendAsync(Decide(new { campaignId = id, viewerId = "v", consent = new { advertising = false, personalization = false } }));
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(root.GetProperty("isDefault").GetBoolean());
        Assert.Equal(nameof(DefaultReason.ConsentNone), root.GetProperty("defaultReason").GetString());
        Assert.Equal(["h2", "i2"], root.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
    }

    [SkippableFact]
    public async Task A_campaign_frequency_cap_holds_between_two_requests_of_the_same_viewer()
    {
        var id = NewId();
        var capped = ServingHost.Campaign(id, [new FrequencyCapDefinition { Scope = CapScope.Campaign, MaxImpressions = 1, Window = TimeSpan.FromHours(1) }]);
        await using var host = await ServingHost.StartAsync(capped);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var body = new { campaignId = id, viewerId = "capped-viewer", consent = new { advertising = true, personalization = true } };

        var first = JsonDocument.Parse(await (await http.SendAsync(Decide(body))).Content.ReadAsStringAsync()).RootElement;
        var second = JsonDocument.Parse(await (await http.SendAsync(Decide(body))).Content.ReadAsStringAsync()).RootElement;

        Assert.False(first.GetProperty("isDefault").GetBoolean());
        Assert.True(second.GetProperty("isDefault").GetBoolean());
        Assert.Equal(nameof(DefaultReason.CampaignFrequencyCap), second.GetProperty("defaultReason").GetString());
    }

    [SkippableFact]
    public async Task A_frequency_cap_holds_after_a_restart_because_served_impressions_are_written_to_the_viewers_bucket()
    {
        var id = NewId();
        var capped = ServingHost.Campaign(id, [new FrequencyCapDefinition { Scope = CapScope.Campaign, MaxImpressions = 1, Window = TimeSpan.FromHours(1) }]);
        var body = new { campaignId = id, viewerId = "viewer-" + id, consent = new { advertising = true, personalization = true } };
        JsonElement first, second;
        await using (var host = await ServingHost.StartAsync(capped))
        {
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            first = JsonDocument.Parse(await (await http.SendAsync(Decide(body))).Content.ReadAsStringAsync()).RootElement;
        } // stopping writes the pending frequency state (long before the flush interval)

        await using (var restarted = await ServingHost.StartAsync(capped))
        {
            using var http = new HttpClient { BaseAddress = restarted.BaseAddress };
            second = JsonDocument.Parse(await (await http.SendAsync(Decide(body))).Content.ReadAsStringAsync()).RootElement;
        }

        Assert.False(first.GetProperty("isDefault").GetBoolean());
        Assert.True(second.GetProperty("isDefault").GetBoolean());
        Assert.Equal(nameof(DefaultReason.CampaignFrequencyCap), second.GetProperty("defaultReason").GetString());
    }

    [SkippableFact]
    public async Task Bad_input_is_a_400_problem_naming_the_field_and_an_unknown_campaign_is_404()
    {
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(NewId()));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var missing = await http.SendAsync(Decide(new { viewerId = "v" }));
        using var malformed = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/decide") { Content = new StringContent("{\"campaignId\": 5", System.Text.Encoding.UTF8, "application/json"), Headers = { { "x-functions-key", DevHostRunner.FunctionKey } } });
        using var unknown = await http.SendAsync(Decide(new { campaignId = "no-such-campaign" }));
        using var badTcf = await http.SendAsync(Decide(new { campaignId = "x", consent = new { gdprApplies = true, tcf = "not a tc string" } }));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("campaignId", out _));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, badTcf.StatusCode); // the campaign is resolved before consent
    }

    [SkippableFact]
    public async Task Explanations_need_the_admin_key()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var body = new { campaignId = id, consent = new { advertising = true } };

        using var withFunctionKey = await http.SendAsync(Decide(body, DevHostRunner.FunctionKey, "?explain=true"));
        using var withAdminKey = await http.SendAsync(Decide(body, DevHostRunner.MasterKey, "?explain=true"));
        var explained = JsonDocument.Parse(await withAdminKey.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Forbidden, withFunctionKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withAdminKey.StatusCode);
        Assert.Equal(JsonValueKind.Object, explained.GetProperty("explanation").ValueKind);
    }

    [SkippableFact]
    public async Task A_placement_id_resolves_to_its_campaign()
    {
        var id = NewId();
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.SendAsync(Decide(new { placementId = id + "-slot", consent = new { advertising = true } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("campaignId").GetString());
    }
}
