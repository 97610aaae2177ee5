using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dco.Core.Serving.Tracking;
using Dco.DevHost.Tests.Learning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Privacy;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Viewers;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Privacy;

/// <summary>Opt-out and delete, verified by reading the stores afterwards.</summary>
[Collection(LearningLoopCollection.Name)]
public sealed class PrivacyEndpointTests(LearningLoopHost fixture)
{
    private string UserKeyOf(string viewerId) => fixture.Host.Services.GetRequiredService<ViewerKeyRing>().Pseudonymizer.Pseudonymize(viewerId);

    private static string NewViewer() => "viewer-" + Guid.NewGuid().ToString("N");

    private FrequencyBuckets Buckets => fixture.Host.Services.GetRequiredService<FrequencyBuckets>();

    /// <summary>Stores an impression for each viewer in their frequency bucket, as serving would.</summary>
    private async Task SeedImpressionsAsync(params string[] userKeys)
    {
        foreach (var userKey in userKeys)
        {
            var seen = new Dictionary<string, long[]> { ["headline-a|image-b"] = [DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()] };
            await Buckets.UpdateAsync(Buckets.BucketOf(userKey), b => b with
            {
                Viewers = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>>(b.Viewers) { [userKey] = new Dictionary<string, IReadOnlyDictionary<string, long[]>> { ["demo"] = seen } },
            }, CancellationToken.None);
        }
    }

    private async Task<bool> HasImpressionsAsync(string userKey) =>
        (await Buckets.ReadAsync(Buckets.BucketOf(userKey), CancellationToken.None))?.Viewers.ContainsKey(userKey) == true;

    private async Task<JsonElement> PostAsync(string route, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await fixture.Http.PostAsJsonAsync(route, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{route}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [SkippableFact]
    public async Task Opt_out_marks_the_profile_and_clears_its_segments_and_a_repeat_changes_nothing()
    {
        LearningLoopHost.RequireEmulators();
        var viewer = NewViewer();
        var userKey = UserKeyOf(viewer);
        await fixture.Profiles.UpsertAsync(new ProfileDocument { Id = userKey, UserKey = userKey, Segments = ["sports", "high-value"], TimeToLive = 3600 });
        await SeedImpressionsAsync(userKey);

        var first = await PostAsync("api/privacy/opt-out", new { viewerId = viewer });
        var second = await PostAsync("api/privacy/opt-out", new { viewerId = viewer });

        var profile = (await fixture.Profiles.ReadAsync(userKey, userKey))!.Value;
        Assert.Equal((true, 0), (profile.OptedOut, profile.Segments.Count));
        Assert.False(await HasImpressionsAsync(userKey), "An opted-out viewer's recent impressions are forgotten.");
        Assert.Equal((1, 0), (first.GetProperty("profilesChanged").GetInt32(), second.GetProperty("profilesChanged").GetInt32()));
    }

    [SkippableFact]
    public async Task Opt_out_of_an_unknown_viewer_creates_an_opted_out_profile_without_the_raw_id()
    {
        LearningLoopHost.RequireEmulators();
        var viewer = NewViewer();

        await PostAsync("api/privacy/opt-out", new { viewerId = viewer });

        var profile = (await fixture.Profiles.ReadAsync(UserKeyOf(viewer), UserKeyOf(viewer)))!.Value;
        Assert.True(profile.OptedOut);
        Assert.DoesNotContain(viewer, JsonSerializer.Serialize(profile, ServingJsonContext.Default.ProfileDocument), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Delete_removes_the_profile_decisions_and_events_of_the_viewer_only_and_is_idempotent()
    {
        LearningLoopHost.RequireEmulators();
        var viewer = NewViewer();
        var userKey = UserKeyOf(viewer);
        var otherKey = UserKeyOf(NewViewer());
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        await fixture.Profiles.UpsertAsync(new ProfileDocument { Id = userKey, UserKey = userKey, Segments = ["sports"], TimeToLive = 3600 });
        await SeedImpressionsAsync(userKey, otherKey);
        // One of the viewer's decisions shares its page with another viewer's; the other has a page of its own.
        var sharedPage = Guid.CreateVersion7().ToString("N");
        var mine = new[]
        {
            await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId(sharedPage, 0), userKey),
            await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId(), userKey),
        };
        var theirs = await fixture.SeedDecisionAsync(campaign, LearningLoopHost.NewDecisionId(sharedPage, 1), otherKey);
        foreach (var (_, links) in mine.Append(theirs))
        {
            using var pixel = await fixture.Http.GetAsync(links.ImpressionUrl);
        }

        using (var click = await fixture.Http.GetAsync(mine[0].Links.ClickUrl(mine[0].Record.AssetIds[0])))
        {
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
        }

        var first = await PostAsync("api/privacy/delete", new { viewerId = viewer });
        var second = await PostAsync("api/privacy/delete", new { viewerId = viewer });

        Assert.Null(await fixture.Profiles.ReadAsync(userKey, userKey));
        Assert.False(await HasImpressionsAsync(userKey));
        Assert.True(await HasImpressionsAsync(otherKey), "Another viewer's impressions stay.");
        var pagesOfViewer = new DocumentQuery("SELECT * FROM c WHERE ARRAY_CONTAINS(c.userKeys, @userKey)").WithParameter("@userKey", userKey);
        Assert.Empty(await ToListAsync(fixture.DecisionPages.QueryAcrossPartitionsAsync(pagesOfViewer)));
        foreach (var (record, _) in mine)
        {
            Assert.Null(await fixture.StoredDecisionAsync(record.DecisionId, campaign.Id));
            Assert.Empty(await ToListAsync(fixture.Events.FindAcrossPartitionsAsync("decisionId", record.DecisionId)));
        }

        Assert.Equal(otherKey, (await fixture.StoredDecisionAsync(theirs.Record.DecisionId, campaign.Id))?.UserKey);
        Assert.NotNull(await fixture.Events.ReadAsync(EventIds.Impression(theirs.Record.DecisionId), campaign.Id));
        Assert.Equal((1, 2, 3), (first.GetProperty("profilesChanged").GetInt32(), first.GetProperty("decisionsDeleted").GetInt32(), first.GetProperty("eventsDeleted").GetInt32()));
        Assert.Equal((0, 0, 0), (second.GetProperty("profilesChanged").GetInt32(), second.GetProperty("decisionsDeleted").GetInt32(), second.GetProperty("eventsDeleted").GetInt32()));
    }

    [SkippableFact]
    public async Task A_blank_viewer_id_is_a_400_problem_naming_the_field()
    {
        LearningLoopHost.RequireEmulators();

        var problem = await PostAsync("api/privacy/delete", new { viewerId = "  " }, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("viewerId", out _));
    }

    [SkippableFact]
    public async Task Privacy_endpoints_require_a_function_key()
    {
        LearningLoopHost.RequireEmulators();
        using var anonymous = new HttpClient { BaseAddress = fixture.Host.BaseAddress };

        using var response = await anonymous.PostAsJsonAsync("api/privacy/delete", new { viewerId = NewViewer() });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
