using System.Net;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Tracking;
using Dco.DevHost.Tests.Learning;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Tracking;

/// <summary>Forged, tampered and expired tokens are refused and counted, never recorded or redirected.</summary>
[Collection(LearningLoopCollection.Name)]
public sealed class TrackingTokenRejectionTests(LearningLoopHost fixture)
{
    private TrackingRejections Rejections => fixture.Host.Services.GetRequiredService<TrackingRejections>();

    private long Refused(string endpoint) =>
        Enum.GetValues<TrackingTokenStatus>().Where(s => s != TrackingTokenStatus.Valid).Sum(s => Rejections.CountOf(endpoint, s));

    private static string Tamper(string url)
    {
        var at = url.IndexOf("?t=", StringComparison.Ordinal) + 8;
        return url[..at] + (url[at] == 'A' ? 'B' : 'A') + url[(at + 1)..];
    }

    [SkippableFact]
    public async Task A_forged_click_token_is_a_400_problem_without_a_redirect_and_is_counted()
    {
        LearningLoopHost.RequireEmulators();
        var before = Rejections.CountOf("click", TrackingTokenStatus.Forged) + Rejections.CountOf("click", TrackingTokenStatus.Malformed);

        using var response = await fixture.Http.GetAsync("api/t/c?t=AQIAAAAAZ3fakefakefakefake.c2lnbmF0dXJl");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
        Assert.Equal(before + 1, Rejections.CountOf("click", TrackingTokenStatus.Forged) + Rejections.CountOf("click", TrackingTokenStatus.Malformed));
    }

    [SkippableFact]
    public async Task A_tampered_click_token_is_refused_and_records_no_click()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        var (record, links) = await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId());

        using var response = await fixture.Http.GetAsync(Tamper(links.ClickUrl(record.AssetIds[0])));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Null(await fixture.Events.ReadAsync(EventIds.Click(record.DecisionId, record.AssetIds[0]), campaign.Id));
    }

    [SkippableFact]
    public async Task An_expired_click_token_is_410_gone()
    {
        LearningLoopHost.RequireEmulators();
        var signer = fixture.Host.Services.GetRequiredService<TrackingKeyRing>().Signer;
        var token = signer.Sign(new TrackingToken(TrackingEventKind.Click, "dec-old", "camp-old", null, "h0", DateTimeOffset.UtcNow.AddDays(-1)));

        using var response = await fixture.Http.GetAsync($"api/t/c?t={token}");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [SkippableFact]
    public async Task The_pixel_answers_a_gif_to_a_forged_token_but_records_nothing()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        var (record, links) = await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId());
        var before = Refused("impression");

        using var response = await fixture.Http.GetAsync(Tamper(links.ImpressionUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/gif", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before + 1, Refused("impression"));
        Assert.Null(await fixture.Events.ReadAsync(EventIds.Impression(record.DecisionId), campaign.Id));
    }

    [SkippableFact]
    public async Task A_bot_impression_is_recorded_as_non_billable_with_its_reason_and_not_learned()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        var (record, links) = await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId());
        using var request = new HttpRequestMessage(HttpMethod.Get, links.ImpressionUrl);
        request.Headers.Add("Sec-Purpose", "prefetch");

        using var response = await fixture.Http.SendAsync(request);
        await Task.Delay(1000);

        var stored = (await fixture.Events.ReadAsync(EventIds.Impression(record.DecisionId), campaign.Id))!.Value;
        Assert.Equal((false, NonBillableReason.Prefetch), (stored.Billable, stored.NonBillableReason));
        Assert.Null(await fixture.CountersAsync(campaign.Id));
    }

    [SkippableFact]
    public async Task Conversions_with_bad_fields_get_per_item_field_errors_while_good_items_are_accepted()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        var (record, _) = await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId());
        var batch = """
            {"conversions":[
              {"decisionId":"DECISION","conversionId":"o-1","value":10,"currency":"EUR","occurredAt":"2026-01-01T00:00:00Z"},
              {"decisionId":"DECISION","conversionId":"o-2","value":-3,"currency":"EURO","occurredAt":"2026-01-01T00:00:00Z"},
              {"decisionId":"no-such-decision","conversionId":"o-3","value":1,"currency":"EUR","occurredAt":"2026-01-01T00:00:00Z"}
            ]}
            """.Replace("DECISION", record.DecisionId, StringComparison.Ordinal);

        using var response = await fixture.Http.PostAsync("api/conversions", new StringContent(batch, System.Text.Encoding.UTF8, "application/json"));
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Accepted", results[0].GetProperty("status").GetString());
        Assert.True(results[1].GetProperty("errors").TryGetProperty("value", out _));
        Assert.True(results[1].GetProperty("errors").TryGetProperty("currency", out _));
        Assert.True(results[2].GetProperty("errors").TryGetProperty("decisionId", out _));
    }

    [SkippableFact]
    public async Task A_conversion_body_that_is_not_json_is_a_400_problem()
    {
        LearningLoopHost.RequireEmulators();

        using var response = await fixture.Http.PostAsync("api/conversions", new StringContent("{\"conversions\": [", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
