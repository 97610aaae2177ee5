using Dco.Core.Decisioning;
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
        await profiles.UpsertAsync(new ProfileDocument { Id = key, UserKey = key, Segments = ["news"], TimeToLive = 3600 }); // another system
        time.Advance(TimeSpan.FromMinutes(5));

        var stale = await cache.GetFactsAsync(key, CancellationToken.None);
        var refreshed = await Eventually.TrueAsync(async () => (await cache.GetFactsAsync(key, CancellationToken.None)).Segments.Contains("news"), TimeSpan.FromSeconds(15));

        Assert.Equal(["sports"], stale.Segments);
        Assert.True(refreshed, "The background read should have brought the new segment in.");
    }

    [SkippableFact]
    public async Task Served_impressions_are_written_to_the_viewers_bucket_and_not_to_the_profile()
    {
        var (profiles, cache, _, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a", "image-b"], "headline-a|image-b");

        await cache.FlushAsync(CancellationToken.None);

        var stored = (await buckets.ReadAsync(buckets.BucketOf(key), CancellationToken.None))!.Viewers[key]["camp-1"];
        Assert.Equal(["headline-a|image-b"], stored.Keys);
        Assert.Single(stored["headline-a|image-b"]);
        Assert.Empty((await profiles.ReadAsync(key, key))!.Value.Frequency);
    }

    [SkippableFact]
    public async Task Impressions_a_profile_held_before_buckets_still_count()
    {
        var (profiles, cache, time, key) = await ArrangeAsync();
        var seen = time.GetUtcNow().AddHours(-1);
        await profiles.UpsertAsync(new ProfileDocument
        {
            Id = key,
            UserKey = key,
            TimeToLive = 3600,
            Frequency = new Dictionary<string, CampaignFrequencyDocument>
            {
                ["camp-1"] = new()
                {
                    Campaign = [seen],
                    Assets = new Dictionary<string, IReadOnlyList<DateTimeOffset>> { ["headline-a"] = [seen], ["image-b"] = [seen] },
                    Combinations = new Dictionary<string, IReadOnlyList<DateTimeOffset>> { ["headline-a|image-b"] = [seen] },
                },
            },
        });

        await cache.GetFactsAsync(key, CancellationToken.None);

        var frequency = cache.FrequencyOf(key, "camp-1");
        Assert.Single(frequency.CampaignImpressions);
        Assert.Equal(["headline-a", "image-b"], frequency.Assets.Select(a => a.Key).Order());
        Assert.Equal(["headline-a|image-b"], frequency.Combinations.Select(c => c.Key));
    }

    [SkippableFact]
    public async Task Viewers_of_one_bucket_are_written_together_and_a_new_instance_reads_the_bucket_once_for_all_of_them()
    {
        var (_, cache, time, first) = await ArrangeAsync(withProfile: false, bucketCount: 1);
        var viewers = Enumerable.Range(0, 20).Select(_ => "viewer-" + Guid.NewGuid().ToString("N")).Prepend(first).ToList();
        foreach (var viewer in viewers)
        {
            await cache.GetFactsAsync(viewer, CancellationToken.None);
            cache.RecordServed(viewer, "camp-1", ["headline-a"], "headline-a");
        }

        await cache.FlushAsync(CancellationToken.None);
        var written = (await buckets.ReadAsync(0, CancellationToken.None))!;
        var restarted = NewCache(time, bucketCount: 1);
        await restarted.GetFactsAsync(first, CancellationToken.None); // reads the bucket, for every viewer in it
        await buckets.UpdateAsync(0, b => b with { Viewers = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>>() }, CancellationToken.None);

        Assert.All(viewers, v => Assert.Single(written.Viewers[v]["camp-1"]["headline-a"]));
        foreach (var viewer in viewers)
        {
            await restarted.GetFactsAsync(viewer, CancellationToken.None); // the bucket is not read again (emptied above)
            Assert.Single(restarted.FrequencyOf(viewer, "camp-1").CampaignImpressions);
        }
    }

    [SkippableFact]
    public async Task Two_instances_serving_one_viewer_both_count_and_writing_again_counts_nothing_twice()
    {
        var (_, one, time, key) = await ArrangeAsync(bucketCount: 4);
        var other = NewCache(time, bucketCount: 4);
        await one.GetFactsAsync(key, CancellationToken.None);
        await other.GetFactsAsync(key, CancellationToken.None);
        one.RecordServed(key, "camp-1", ["headline-a"], "headline-a");
        time.Advance(TimeSpan.FromSeconds(2));
        other.RecordServed(key, "camp-1", ["headline-b"], "headline-b");
        other.RecordServed(key, "camp-2", ["headline-c"], "headline-c");

        await one.FlushAsync(CancellationToken.None);
        await other.FlushAsync(CancellationToken.None); // merges the first instance's impression before writing
        time.Advance(TimeSpan.FromSeconds(2));
        one.RecordServed(key, "camp-2", ["headline-c"], "headline-c");
        await one.FlushAsync(CancellationToken.None); // merges the second's, writes its own again

        var stored = (await buckets.ReadAsync(buckets.BucketOf(key), CancellationToken.None))!.Viewers[key];
        Assert.Equal(["headline-a", "headline-b"], stored["camp-1"].Keys.Order());
        Assert.Equal(2, stored["camp-2"]["headline-c"].Length);
        var merged = one.FrequencyOf(key, "camp-1");
        Assert.Equal(2, merged.CampaignImpressions.Count);
        Assert.Equal(["headline-a", "headline-b"], merged.Assets.Select(a => a.Key).Order());
        Assert.Equal(2, one.FrequencyOf(key, "camp-2").CampaignImpressions.Count);
    }

    [SkippableFact]
    public async Task Instances_writing_one_bucket_at_the_same_time_lose_no_viewer()
    {
        var (_, first, time, _) = await ArrangeAsync(withProfile: false, bucketCount: 1);
        var instances = new[] { first, NewCache(time, 1), NewCache(time, 1), NewCache(time, 1) };
        var viewersOf = instances.Select(_ => Enumerable.Range(0, 10).Select(_ => "viewer-" + Guid.NewGuid().ToString("N")).ToList()).ToList();
        for (var i = 0; i < instances.Length; i++)
        {
            foreach (var viewer in viewersOf[i])
            {
                await instances[i].GetFactsAsync(viewer, CancellationToken.None);
                instances[i].RecordServed(viewer, "camp-1", ["headline-a"], "headline-a");
            }
        }

        await Task.WhenAll(instances.Select(instance => instance.FlushAsync(CancellationToken.None)));

        var stored = (await buckets.ReadAsync(0, CancellationToken.None))!.Viewers;
        Assert.All(viewersOf.SelectMany(v => v), viewer => Assert.Single(stored[viewer]["camp-1"]["headline-a"]));
    }

    [SkippableFact]
    public async Task A_viewer_forgotten_on_another_instance_is_dropped_here_and_never_written_back()
    {
        var (_, cache, _, key) = await ArrangeAsync(bucketCount: 4);
        await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a"], "headline-a");
        await cache.FlushAsync(CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a"], "headline-a"); // pending when the viewer is deleted elsewhere

        Assert.True(await buckets.ForgetAsync(key, CancellationToken.None));
        await cache.FlushAsync(CancellationToken.None);

        var stored = (await buckets.ReadAsync(buckets.BucketOf(key), CancellationToken.None))!;
        Assert.False(stored.Viewers.ContainsKey(key));
        Assert.True(stored.Forgotten.ContainsKey(key));
        Assert.Empty(cache.FrequencyOf(key, "camp-1").CampaignImpressions);
        Assert.False(await buckets.ForgetAsync(key, CancellationToken.None), "Forgetting again finds nothing.");
    }

    [SkippableFact]
    public async Task A_change_is_written_in_the_last_quarter_of_the_flush_interval()
    {
        var (_, cache, time, key) = await ArrangeAsync();
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
            Assert.False(await WrittenAsync(key), "Not written before three quarters of the interval.");
            for (var second = 22; second < 31; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.True(await Eventually.TrueAsync(() => WrittenAsync(key), TimeSpan.FromSeconds(10)), "Written within one interval (30 s) of the change.");
        }
        finally
        {
            await cache.StopAsync(CancellationToken.None);
        }
    }

    [SkippableFact]
    public async Task Impressions_are_kept_per_asset_only_for_assets_the_caps_count_and_rebuilt_when_the_caps_change()
    {
        var (_, cache, time, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        var imagesOnly = AssetCapScope.Of(["image-b", "image-d"]);
        cache.RecordServed(key, "camp-1", ["headline-a", "image-b"], "headline-a|image-b", imagesOnly);
        time.Advance(TimeSpan.FromMinutes(1));
        cache.RecordServed(key, "camp-1", ["headline-c", "image-b"], "headline-c|image-b", imagesOnly);

        var scoped = cache.FrequencyOf(key, "camp-1");
        Assert.Equal(["image-b"], scoped.Assets.Select(a => a.Key));
        Assert.Equal(2, scoped.Assets.Single().Impressions.Count);
        Assert.Equal(2, scoped.CampaignImpressions.Count);
        Assert.Equal(["headline-a|image-b", "headline-c|image-b"], scoped.Combinations.Select(c => c.Key).Order());

        // A campaign compiled again with the same caps keeps the rows; caps on other assets rebuild them from the combinations.
        using (var lease = cache.LeaseFrequency(key, "camp-1", AssetCapScope.Of(["image-d", "image-b"])))
        {
            Assert.Equal(["image-b"], lease.Frequency.Assets.Select(a => a.Key));
        }

        using (var lease = cache.LeaseFrequency(key, "camp-1", AssetCapScope.Of(["headline-a", "headline-c"])))
        {
            Assert.Equal(["headline-a", "headline-c"], lease.Frequency.Assets.Select(a => a.Key).Order());
            Assert.Equal(scoped.Combinations.Single(c => c.Key == "headline-a|image-b").Impressions, lease.Frequency.Assets.Single(a => a.Key == "headline-a").Impressions);
        }

        using (var lease = cache.LeaseFrequency(key, "camp-1", AssetCapScope.None))
        {
            Assert.Empty(lease.Frequency.Assets);
            Assert.Equal(2, lease.Frequency.CampaignImpressions.Count);
        }

        using (var lease = cache.LeaseFrequency(key, "camp-1"))
        {
            Assert.Equal(["headline-a", "headline-c", "image-b"], lease.Frequency.Assets.Select(a => a.Key).Order());
            Assert.Equal(scoped.Assets.Single().Impressions, lease.Frequency.Assets.Single(a => a.Key == "image-b").Impressions);
        }
    }

    [SkippableFact]
    public async Task Pooled_and_unpooled_instances_of_one_key_count_in_one_row()
    {
        var (_, cache, _, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        var suffix = Guid.NewGuid().ToString("N");
        Assert.True(PooledKeys.TryIntern("headline-" + suffix, out var headline));
        Assert.True(PooledKeys.TryIntern("image-" + suffix, out var image));
        Assert.True(PooledKeys.TryIntern(headline + "|" + image, out var combination));

        // As decide records them (the pooled instances, said so), then as anything else may (equal strings of their own).
        for (var i = 0; i < 3; i++)
        {
            using (var lease = cache.LeaseFrequency(key, "camp-1"))
            {
                lease.RecordServed([headline, image], combination, keysPooled: true);
            }

            cache.RecordServed(key, "camp-1", [new string(headline), new string(image)], new string(combination));
        }

        using var held = cache.LeaseFrequency(key, "camp-1");
        Assert.Equal([(headline, 6), (image, 6)], held.Frequency.Assets.Select(a => (a.Key, a.Impressions.Count)).Order());
        Assert.Equal([(combination, 6)], held.Frequency.Combinations.Select(c => (c.Key, c.Impressions.Count)));
    }

    [SkippableFact]
    public async Task A_lease_holds_the_viewer_so_a_cap_check_and_the_count_of_what_was_served_are_one_step()
    {
        var (_, cache, _, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a"], "headline-a");
        var before = cache.FrequencyOf(key, "camp-1");

        Task other;
        using (var lease = cache.LeaseFrequency(key, "camp-1"))
        {
            Assert.Single(lease.Frequency.CampaignImpressions);
            // A concurrent decide of the same viewer, on a thread of its own (the lease is held by this
            // thread, and is used like decide uses it: without awaiting).
            other = Task.Factory.StartNew(() => cache.RecordServed(key, "camp-1", ["headline-b"], "headline-b"), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Thread.Sleep(200);
            Assert.False(other.IsCompleted, "Another decide of the viewer must wait for the lease.");

            lease.RecordServed(["headline-a"], "headline-a");
            Assert.Equal(2, lease.Frequency.CampaignImpressions.Count); // live: the lease's own record counts at once
            Assert.Equal(2, lease.Frequency.Combinations.Single(c => c.Key == "headline-a").Impressions.Count);
        }

        await other.WaitAsync(TimeSpan.FromSeconds(10));
        var after = cache.FrequencyOf(key, "camp-1");
        Assert.Single(before.CampaignImpressions); // a copy: later records do not change it
        Assert.Equal(3, after.CampaignImpressions.Count);
        Assert.Equal(["headline-a", "headline-b"], after.Assets.Select(a => a.Key).Order());
    }

    [SkippableFact]
    public async Task A_viewer_is_listed_for_the_next_write_once_and_again_after_each_write()
    {
        var (_, cache, time, key) = await ArrangeAsync();
        await cache.GetFactsAsync(key, CancellationToken.None);
        cache.RecordServed(key, "camp-1", ["headline-a", "image-b"], "headline-a|image-b");
        time.Advance(TimeSpan.FromSeconds(2));
        cache.RecordServed(key, "camp-1", ["headline-a", "image-b"], "headline-a|image-b"); // already listed
        await cache.FlushAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));
        cache.RecordServed(key, "camp-1", ["headline-c", "image-b"], "headline-c|image-b"); // news for the next write
        await cache.FlushAsync(CancellationToken.None);

        var stored = (await buckets.ReadAsync(buckets.BucketOf(key), CancellationToken.None))!.Viewers[key]["camp-1"];
        Assert.Equal(2, stored["headline-a|image-b"].Length);
        Assert.Single(stored["headline-c|image-b"]);
    }

    [SkippableFact]
    public async Task A_bucket_written_again_keeps_every_viewer_including_one_this_instance_no_longer_holds()
    {
        var (_, cache, _, first) = await ArrangeAsync(bucketCount: 1, cacheSize: 1);
        var second = "viewer-" + Guid.NewGuid().ToString("N");
        var third = "viewer-" + Guid.NewGuid().ToString("N");
        await cache.GetFactsAsync(first, CancellationToken.None);
        cache.RecordServed(first, "camp-1", ["headline-a", "image-b"], "headline-a|image-b");
        await cache.FlushAsync(CancellationToken.None);
        cache.RecordServed(second, "camp-1", ["headline-c", "image-b"], "headline-c|image-b");
        await cache.FlushAsync(CancellationToken.None); // from what this instance wrote, without a read

        var both = (await buckets.ReadAsync(0, CancellationToken.None))!.Viewers;
        await cache.GetFactsAsync(third, CancellationToken.None); // the cache holds one viewer: the others are dropped from memory
        cache.RecordServed(third, "camp-1", ["headline-a", "image-b"], "headline-a|image-b");
        await cache.FlushAsync(CancellationToken.None); // no longer held here: read, not lost
        var all = (await buckets.ReadAsync(0, CancellationToken.None))!.Viewers;

        // Bucket 0 is shared with other tests' viewers: only ours are looked at.
        Assert.Equal(["headline-a|image-b"], both[first]["camp-1"].Keys);
        Assert.Equal(["headline-c|image-b"], both[second]["camp-1"].Keys);
        Assert.Equal(both[second]["camp-1"]["headline-c|image-b"], all[second]["camp-1"]["headline-c|image-b"]);
        Assert.Equal(both[first]["camp-1"]["headline-a|image-b"], all[first]["camp-1"]["headline-a|image-b"]);
        Assert.Single(all[third]["camp-1"]["headline-a|image-b"]);
    }

    private FrequencyBuckets buckets = null!;
    private CosmosStores stores = null!;

    private async Task<bool> WrittenAsync(string key) =>
        (await buckets.ReadAsync(buckets.BucketOf(key), CancellationToken.None))?.Viewers.ContainsKey(key) == true;

    private async Task<(CosmosDocumentStore<ProfileDocument> Profiles, ViewerStateCache Cache, FakeTimeProvider Time, string Key)> ArrangeAsync(bool withProfile = true, int bucketCount = 1024, int cacheSize = 200_000)
    {
        stores = (await cosmos.ServicesAsync()).GetRequiredService<CosmosStores>();
        var profiles = stores.For<ProfileDocument>(CosmosContainers.Profiles, p => p.Id, p => p.UserKey);
        var key = "viewer-" + Guid.NewGuid().ToString("N");
        if (withProfile)
        {
            await profiles.UpsertAsync(new ProfileDocument { Id = key, UserKey = key, Segments = ["sports"], TimeToLive = 3600 });
        }

        // Fake time: the read budget never runs out, so the first read is always waited for.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        return (profiles, NewCache(time, bucketCount, cacheSize), time, key);
    }

    /// <summary>One instance of the cache; several over the same store behave like instances of the app.</summary>
    private ViewerStateCache NewCache(FakeTimeProvider time, int bucketCount, int cacheSize = 200_000)
    {
        var options = Options.Create(new ServingOptions { FrequencyBuckets = bucketCount, ViewerCacheSize = cacheSize });
        buckets = new FrequencyBuckets(stores, time, options);
        return new ViewerStateCache(stores, buckets, time, options, NullLogger<ViewerStateCache>.Instance);
    }
}
