using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Viewers;
using Dco.Infrastructure.Tests.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dco.Infrastructure.Tests.Serving;

/// <summary>Viewer facts on the hot path, against the configured Cosmos endpoint.</summary>
[Collection(CosmosCollection.Name)]
public sealed class ViewerStateCacheTests(CosmosDatabaseFixture cosmos)
{
    [SkippableFact]
    public async Task Facts_are_read_once_and_then_answered_from_memory()
    {
        var (profiles, cache, _, key) = await ArrangeAsync();

        var first = await cache.GetFactsAsync(key, CancellationToken.None);
        await profiles.DeleteAsync(key, key);
        var second = await cache.GetFactsAsync(key, CancellationToken.None);

        Assert.Equal((true, false), (first.Known, first.OptedOut));
        Assert.Equal(["sports"], first.Segments);
        Assert.Same(first, second);
    }

    [SkippableFact]
    public async Task Stale_facts_are_answered_at_once_and_refreshed_in_the_background()
    {
        var (profiles, cache, time, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        await profiles.UpsertAsync(new ProfileDocument { Id = key, UserKey = key, OptedOut = true, TimeToLive = 3600 });
        time.Advance(TimeSpan.FromSeconds(61));

        var stale = await cache.GetFactsAsync(key, CancellationToken.None);
        var refreshed = await Eventually.TrueAsync(async () => (await cache.GetFactsAsync(key, CancellationToken.None)).OptedOut, TimeSpan.FromSeconds(15));

        Assert.False(stale.OptedOut);
        Assert.True(refreshed, "The background read should have brought the opt-out in.");
    }

    [SkippableFact]
    public async Task Writing_served_impressions_stores_them_and_refreshes_the_facts_from_the_profile()
    {
        var (profiles, cache, _, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a", "image-b"], "headline-a+image-b");
        await profiles.PatchAsync(key, key, new DocumentPatch().Set("/optedOut", true)); // on another instance

        await cache.FlushAsync(CancellationToken.None);
        var facts = await cache.GetFactsAsync(key, CancellationToken.None); // still within the facts lifetime

        Assert.True(facts.OptedOut);
        var stored = (await profiles.ReadAsync(key, key))!.Value;
        Assert.True(stored.OptedOut);
        Assert.Single(stored.Frequency["camp-1"].Campaign);
        Assert.Equal(["headline-a", "image-b"], stored.Frequency["camp-1"].Assets.Keys.Order());
    }

    [SkippableFact]
    public async Task A_new_viewers_first_write_creates_the_profile()
    {
        var (profiles, cache, _, key) = await ArrangeAsync(withProfile: false);
        var facts = await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a"], "headline-a");

        await cache.FlushAsync(CancellationToken.None);

        Assert.Equal((true, false), (facts.Known, facts.OptedOut));
        var stored = (await profiles.ReadAsync(key, key))!.Value;
        Assert.Single(stored.Frequency["camp-1"].Campaign);
        Assert.True(stored.TimeToLive > 0);
    }

    [SkippableFact]
    public async Task A_profile_created_elsewhere_after_a_viewer_was_read_as_new_keeps_its_fields()
    {
        var (profiles, cache, _, key) = await ArrangeAsync(withProfile: false);
        await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a"], "headline-a");
        await profiles.CreateAsync(new ProfileDocument { Id = key, UserKey = key, OptedOut = true, Segments = ["news"], TimeToLive = 3600 }); // another instance

        await cache.FlushAsync(CancellationToken.None);

        var stored = (await profiles.ReadAsync(key, key))!.Value;
        Assert.True(stored.OptedOut);
        Assert.Equal(["news"], stored.Segments);
        Assert.Single(stored.Frequency["camp-1"].Campaign);
        Assert.True((await cache.GetFactsAsync(key, CancellationToken.None)).OptedOut, "The write's answer refreshes the facts.");
    }

    [SkippableFact]
    public async Task A_profile_gone_since_it_was_read_is_created_again_with_the_frequency()
    {
        var (profiles, cache, _, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a"], "headline-a");
        await profiles.DeleteAsync(key, key); // expired meanwhile

        await cache.FlushAsync(CancellationToken.None);

        var stored = (await profiles.ReadAsync(key, key))!.Value;
        Assert.Single(stored.Frequency["camp-1"].Campaign);
        Assert.Empty(stored.Segments);
    }

    [SkippableFact]
    public async Task A_change_is_written_in_the_last_quarter_of_the_flush_interval()
    {
        var (profiles, cache, time, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        await cache.StartAsync(CancellationToken.None);
        try
        {
            cache.RecordServed(key, "camp-1", ["headline-a"], "headline-a");
            for (var second = 0; second < 22; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }

            await Task.Delay(300);
            Assert.False((await profiles.ReadAsync(key, key))!.Value.Frequency.ContainsKey("camp-1"), "Not written before three quarters of the interval.");
            for (var second = 22; second < 31; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.True(
                await Eventually.TrueAsync(async () => (await profiles.ReadAsync(key, key))!.Value.Frequency.ContainsKey("camp-1"), TimeSpan.FromSeconds(10)),
                "Written within one interval (30 s) of the change.");
        }
        finally
        {
            await cache.StopAsync(CancellationToken.None);
        }
    }

    private async Task<(CosmosDocumentStore<ProfileDocument> Profiles, ViewerStateCache Cache, FakeTimeProvider Time, string Key)> ArrangeAsync(bool withProfile = true)
    {
        var stores = (await cosmos.ServicesAsync()).GetRequiredService<CosmosStores>();
        var profiles = stores.For<ProfileDocument>(CosmosContainers.Profiles, p => p.Id, p => p.UserKey);
        var key = "viewer-" + Guid.NewGuid().ToString("N");
        if (withProfile)
        {
            await profiles.UpsertAsync(new ProfileDocument { Id = key, UserKey = key, Segments = ["sports"], TimeToLive = 3600 });
        }

        // Fake time: the read budget never runs out, so the first read is always waited for.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ViewerStateCache(stores, time, Options.Create(new ServingOptions()), NullLogger<ViewerStateCache>.Instance);
        return (profiles, cache, time, key);
    }
}
