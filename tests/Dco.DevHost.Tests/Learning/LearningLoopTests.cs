using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Tracking;
using Dco.Infrastructure.Tracking;

namespace Dco.DevHost.Tests.Learning;

/// <summary>Impressions, clicks and conversions flow through the real endpoints, queue and learning function exactly once.</summary>
[Collection(LearningLoopCollection.Name)]
public sealed class LearningLoopTests(LearningLoopHost fixture)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private static object Conversion(string decisionId, string orderId, double value) => new
    {
        decisionId,
        conversionId = orderId,
        value,
        currency = "EUR",
        occurredAt = DateTimeOffset.UtcNow.AddSeconds(-5),
    };

    [SkippableFact]
    public async Task Impression_click_and_conversion_update_counters_and_model_once_even_when_each_is_repeated()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync(NewId("camp"));
        var decisionId = LearningLoopHost.NewDecisionId();
        var (record, links) = await fixture.SeedDecisionAsync(campaign, decisionId);
        var clicked = record.AssetIds[1];

        for (var repeat = 0; repeat < 3; repeat++)
        {
            using var pixel = await fixture.Http.GetAsync(links.ImpressionUrl);
            Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);
            Assert.Equal("image/gif", pixel.Content.Headers.ContentType?.MediaType);
            Assert.Contains("no-store", pixel.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

            using var click = await fixture.Http.GetAsync(links.ClickUrl(clicked));
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal($"https://shop.example/landing/{clicked}", click.Headers.Location?.ToString());

            using var conversion = await fixture.Http.PostAsJsonAsync("api/conversions", new { conversions = new[] { Conversion(decisionId, "order-1", 42.5) } });
            using var body = JsonDocument.Parse(await conversion.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, conversion.StatusCode);
            Assert.Equal(repeat == 0 ? "Accepted" : "Duplicate", body.RootElement.GetProperty("results")[0].GetProperty("status").GetString());
        }

        var counters = await fixture.WaitForCountersAsync(campaign.Id, c => c.Total.Conversions >= 1 && c.Total.Clicks >= 1 && c.Total.Impressions >= 1, Settle);
        await Task.Delay(1500); // anything still in flight would show up now
        var model = (await fixture.Models.ReadAsync("model", campaign.Id))!.Value;

        Assert.NotNull(counters);
        Assert.Equal((1L, 1L, 1L), (model.Counters!.Total.Impressions, model.Counters.Total.Clicks, model.Counters.Total.Conversions));
        Assert.Equal(42.5, model.Counters.Total.Value["EUR"]);
        Assert.Equal(1, model.Counters.Assets[clicked].Clicks);
        Assert.Equal(1, model.Counters.Combinations[Combinations.IdOf(record.AssetIds)].Impressions);
        Assert.Equal(3, model.State.Version);
    }

    [SkippableFact]
    public async Task Redelivered_queue_messages_change_nothing()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync(NewId("camp"));
        var decisionId = LearningLoopHost.NewDecisionId();
        await fixture.SeedDecisionAsync(campaign, decisionId);
        var body = LearningLoopHost.MessageBody(new LearningEventMessage
        {
            EventId = EventIds.Impression(decisionId),
            CampaignId = campaign.Id,
            DecisionId = decisionId,
            Kind = FeedbackKind.Impression,
            OccurredAt = DateTimeOffset.UtcNow,
        });

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fixture.SendEventMessageAsync(body)));
        await fixture.WaitForCountersAsync(campaign.Id, c => c.Total.Impressions >= 1, Settle);
        await Task.Delay(1500);

        var model = (await fixture.Models.ReadAsync("model", campaign.Id))!.Value;
        Assert.Equal(1, model.Counters!.Total.Impressions);
        Assert.Equal(1, model.State.Version);
    }

    [SkippableFact]
    public async Task Thousands_of_events_replayed_in_random_order_with_duplicates_count_each_distinct_billable_event_once()
    {
        LearningLoopHost.RequireEmulators();
        var random = new Random(20261128);
        var campaign = await fixture.SeedCampaignAsync(NewId("camp"));
        var seeded = await Task.WhenAll(Enumerable.Range(0, 160).Select(i => fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId(), seed: (ulong)i + 1)));

        // Distinct real-world events; each is fired 1-5 times, some copies by a bot (non-billable).
        var hits = new List<Hit>();
        var billableImpressions = new HashSet<string>();
        var billableClicks = new HashSet<string>();
        var orders = new Dictionary<string, double>();
        foreach (var (record, links) in seeded)
        {
            AddCopies(hits, random, new Hit(links.ImpressionUrl, null), record.DecisionId, billableImpressions);
            foreach (var asset in record.AssetIds.Where(_ => random.NextDouble() < 0.5))
            {
                AddCopies(hits, random, new Hit(links.ClickUrl(asset), null), record.DecisionId + "/" + asset, billableClicks);
            }

            if (random.NextDouble() < 0.3)
            {
                var order = "order-" + record.DecisionId;
                var value = Math.Round(random.NextDouble() * 100, 2);
                orders[order] = value;
                for (var copy = random.Next(1, 4); copy > 0; copy--)
                {
                    hits.Add(new Hit(null, Conversion(record.DecisionId, order, value)));
                }
            }
        }

        var shuffled = hits.OrderBy(_ => random.Next()).ToList();
        Assert.True(shuffled.Count >= 1000, $"only {shuffled.Count} hits");
        await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (hit, ct) =>
        {
            if (hit.Url is not null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, hit.Url);
                if (hit.Bot)
                {
                    request.Headers.UserAgent.Clear();
                    request.Headers.UserAgent.ParseAdd("Googlebot/2.1 (+http://www.google.com/bot.html)");
                }

                using var response = await fixture.Http.SendAsync(request, ct);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{hit.Url}: {response.StatusCode}");
            }
            else
            {
                using var response = await fixture.Http.PostAsJsonAsync("api/conversions", new { conversions = new[] { hit.Conversion } }, ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });

        var expected = (Impressions: (long)billableImpressions.Count, Clicks: (long)billableClicks.Count, Conversions: (long)orders.Count);
        var counters = await fixture.WaitForCountersAsync(
            campaign.Id,
            c => (c.Total.Impressions, c.Total.Clicks, c.Total.Conversions) == expected,
            TimeSpan.FromSeconds(120));
        await Task.Delay(1500);
        counters = await fixture.CountersAsync(campaign.Id);

        Assert.Equal(expected, (counters!.Total.Impressions, counters.Total.Clicks, counters.Total.Conversions));
        Assert.Equal(orders.Values.Sum(), counters.Total.Value["EUR"], 6);
        Assert.Equal(expected.Impressions, counters.Combinations.Values.Sum(c => c.Impressions));
    }

    /// <summary>Adds 1-5 copies of a tracking hit; the event is billable when at least one copy comes from a browser.</summary>
    private static void AddCopies(List<Hit> hits, Random random, Hit hit, string key, HashSet<string> billable)
    {
        for (var copy = random.Next(1, 6); copy > 0; copy--)
        {
            var bot = random.NextDouble() < 0.15;
            hits.Add(hit with { Bot = bot });
            if (!bot)
            {
                billable.Add(key);
            }
        }
    }

    private sealed record Hit(string? Url, object? Conversion)
    {
        public bool Bot { get; init; }
    }
}
