using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Serving;

/// <summary>The whole loop through the real endpoints: decide → impression → click → conversion → model.</summary>
public sealed class DecideToConversionTests
{
    [SkippableFact]
    public async Task Decide_impression_click_and_conversion_each_update_counters_and_model_once()
    {
        var id = "l" + Guid.NewGuid().ToString("N")[..10];
        await using var host = await ServingHost.StartAsync(ServingHost.Campaign(id));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        using var decide = new HttpRequestMessage(HttpMethod.Post, "api/decide")
        {
            Content = JsonContent.Create(new { campaignId = id, viewerId = "loop-viewer", consent = new { advertising = true, personalization = true } }),
            Headers = { { "x-functions-key", DevHostRunner.FunctionKey } },
        };
        var decision = JsonDocument.Parse(await (await http.SendAsync(decide)).Content.ReadAsStringAsync()).RootElement;
        var decisionId = decision.GetProperty("decisionId").GetString()!;
        var browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

        for (var i = 0; i < 2; i++) // every hit twice: the second must change nothing
        {
            using var pixel = new HttpRequestMessage(HttpMethod.Get, decision.GetProperty("impressionUrl").GetString()) { Headers = { { "User-Agent", browser } } };
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(pixel)).StatusCode);
            using var click = new HttpRequestMessage(HttpMethod.Get, decision.GetProperty("clickUrl").GetString()) { Headers = { { "User-Agent", browser } } };
            var clicked = await http.SendAsync(click);
            Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
            Assert.StartsWith("https://shop.example/", clicked.Headers.Location!.ToString(), StringComparison.Ordinal);
            using var conversion = new HttpRequestMessage(HttpMethod.Post, "api/conversions")
            {
                Content = JsonContent.Create(new { conversions = new[] { new { decisionId, campaignId = id, conversionId = "order-1", value = 42.5, currency = "EUR", occurredAt = DateTimeOffset.UtcNow } } }),
                Headers = { { "x-functions-key", DevHostRunner.FunctionKey } },
            };
            Assert.True((await http.SendAsync(conversion)).IsSuccessStatusCode);
        }

        var models = host.Services.GetRequiredService<CosmosStores>().For<ModelStateDocument>(CosmosContainers.Stats, m => m.Id, m => m.CampaignId);
        ModelStateDocument? model = null;
        for (var i = 0; i < 150 && model?.State.Version != 3; i++)
        {
            await Task.Delay(200);
            model = (await models.ReadAsync(ModelStateDocument.DocumentId, id))?.Value;
        }

        Assert.NotNull(model);
        Assert.Equal(3, model.State.Version); // impression, click, conversion: each applied once
        var totals = model.Counters!.Total;
        Assert.Equal((1, 1, 1), ((int)totals.Impressions, (int)totals.Clicks, (int)totals.Conversions));
        await Task.Delay(TimeSpan.FromSeconds(2)); // redelivered duplicates would land here
        Assert.Equal(3, (await models.ReadAsync(ModelStateDocument.DocumentId, id))!.Value.State.Version);
    }
}
