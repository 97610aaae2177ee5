using System.Net;
using Dco.Infrastructure.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Tests.Cosmos;

/// <summary>
/// Every store operation the platform uses, against the configured Cosmos endpoint. The same
/// assertions hold on the real service, so they also pin the stand-in patches (404 on a missing
/// item, partition-scoped queries, TTL) to the service's behaviour.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosDocumentStoreContractTests(CosmosDatabaseFixture cosmos)
{
    [SkippableFact]
    public async Task Create_then_read_returns_the_document_and_its_etag()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent() with { Count = 3, Note = "first" };

        var created = await events.CreateAsync(item);
        var read = await events.ReadAsync(item.Id, item.CampaignId);

        Assert.Equal(WriteStatus.Succeeded, created.Status);
        Assert.NotNull(read);
        Assert.Equal(item, read.Value);
        Assert.Equal(created.Document!.ETag, read.ETag);
    }

    [SkippableFact]
    public async Task Create_of_an_id_that_exists_in_the_partition_returns_already_exists()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        await events.CreateAsync(item);

        var again = await events.CreateAsync(item with { Kind = "click" });

        Assert.Equal(WriteStatus.AlreadyExists, again.Status);
        Assert.Equal("impression", (await events.ReadAsync(item.Id, item.CampaignId))!.Value.Kind);
    }

    [SkippableFact]
    public async Task The_same_id_in_another_partition_is_another_document()
    {
        var events = await cosmos.EventsAsync();
        var id = TestData.NewId("evt");
        var first = TestData.AnEvent(id: id, kind: "impression");
        var second = TestData.AnEvent(id: id, kind: "click");

        var results = new[] { await events.CreateAsync(first), await events.CreateAsync(second) };

        Assert.All(results, r => Assert.Equal(WriteStatus.Succeeded, r.Status));
        Assert.Equal("click", (await events.ReadAsync(id, second.CampaignId))!.Value.Kind);
    }

    [SkippableFact]
    public async Task Read_of_a_missing_item_returns_null()
    {
        var events = await cosmos.EventsAsync();

        var read = await events.ReadAsync(TestData.NewId("missing"), TestData.NewId("cmp"));

        Assert.Null(read);
    }

    [SkippableFact]
    public async Task Read_with_the_wrong_partition_key_returns_null()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        await events.CreateAsync(item);

        var read = await events.ReadAsync(item.Id, TestData.NewId("other-cmp"));

        Assert.Null(read);
    }

    [SkippableFact]
    public async Task Upsert_creates_a_missing_item_then_overwrites_it()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent() with { Count = 1 };

        var first = await events.UpsertAsync(item);
        var second = await events.UpsertAsync(item with { Count = 2 });

        Assert.Equal(1, first.Value.Count);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(2, (await events.ReadAsync(item.Id, item.CampaignId))!.Value.Count);
    }

    [SkippableFact]
    public async Task A_write_without_content_answers_no_body_and_the_etag_it_stored()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent() with { Count = 7 };

        var etag = await events.UpsertWithoutContentAsync(item);
        using var response = await events.Container.UpsertItemStreamAsync(
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{item.Id}}","campaignId":"{{item.CampaignId}}","kind":"click","count":8}""")),
            new PartitionKey(item.CampaignId),
            new ItemRequestOptions { EnableContentResponseOnWrite = false });

        Assert.False(string.IsNullOrEmpty(etag));
        Assert.True(response.IsSuccessStatusCode);
        Assert.True(response.Content is null || response.Content.Length == 0, "Cosmos DB answers a write with Prefer: return=minimal without a body.");
        var read = await events.ReadAsync(item.Id, item.CampaignId);
        Assert.Equal(8, read!.Value.Count);
        Assert.Equal(response.Headers.ETag, read.ETag);
        Assert.NotEqual(etag, read.ETag);
    }

    [SkippableFact]
    public async Task Replace_with_the_current_etag_succeeds_and_changes_the_etag()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        var created = await events.CreateAsync(item);

        var replaced = await events.ReplaceAsync(item with { Note = "edited" }, created.Document!.ETag);

        Assert.Equal(WriteStatus.Succeeded, replaced.Status);
        Assert.Equal("edited", replaced.Document!.Value.Note);
        Assert.NotEqual(created.Document.ETag, replaced.Document.ETag);
    }

    [SkippableFact]
    public async Task Replace_with_a_stale_etag_returns_a_concurrency_conflict_and_keeps_the_newer_write()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        var created = await events.CreateAsync(item);
        await events.ReplaceAsync(item with { Note = "winner" }, created.Document!.ETag);

        var stale = await events.ReplaceAsync(item with { Note = "loser" }, created.Document.ETag);

        Assert.Equal(WriteStatus.ConcurrencyConflict, stale.Status);
        Assert.Equal("winner", (await events.ReadAsync(item.Id, item.CampaignId))!.Value.Note);
    }

    [SkippableFact]
    public async Task Replace_of_a_missing_item_returns_not_found()
    {
        var events = await cosmos.EventsAsync();

        var result = await events.ReplaceAsync(TestData.AnEvent(), "\"00000000-0000-0000-0000-000000000000\"");

        Assert.Equal(WriteStatus.NotFound, result.Status);
    }

    [SkippableFact]
    public async Task Delete_removes_the_item_and_a_second_delete_is_tolerated()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        await events.CreateAsync(item);

        var first = await events.DeleteAsync(item.Id, item.CampaignId);
        var second = await events.DeleteAsync(item.Id, item.CampaignId);

        Assert.Equal((true, false), (first, second));
        Assert.Null(await events.ReadAsync(item.Id, item.CampaignId));
    }

    [SkippableFact]
    public async Task Patch_increments_counters_and_sets_fields_in_place()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent() with { Count = 5 };
        await events.CreateAsync(item);

        var patched = await events.PatchAsync(
            item.Id,
            item.CampaignId,
            new DocumentPatch().Increment("/count", 2).Set("/note", "patched"));

        Assert.Equal(WriteStatus.Succeeded, patched.Status);
        Assert.Equal((7L, "patched"), (patched.Document!.Value.Count, patched.Document.Value.Note));
    }

    [SkippableFact]
    public async Task Concurrent_increments_are_all_counted()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        await events.CreateAsync(item);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            events.PatchAsync(item.Id, item.CampaignId, new DocumentPatch().Increment("/count", 1))));

        Assert.Equal(10, (await events.ReadAsync(item.Id, item.CampaignId))!.Value.Count);
    }

    [SkippableFact]
    public async Task Patch_with_the_current_etag_succeeds()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        var created = await events.CreateAsync(item);

        var patched = await events.PatchAsync(item.Id, item.CampaignId, new DocumentPatch().Increment("/count", 1), created.Document!.ETag);

        Assert.Equal(WriteStatus.Succeeded, patched.Status);
    }

    [SkippableFact]
    public async Task Patch_with_a_stale_etag_returns_a_concurrency_conflict()
    {
        var events = await cosmos.EventsAsync();
        var item = TestData.AnEvent();
        var created = await events.CreateAsync(item);
        await events.UpsertAsync(item with { Note = "moved on" });

        var patched = await events.PatchAsync(item.Id, item.CampaignId, new DocumentPatch().Increment("/count", 1), created.Document!.ETag);

        Assert.Equal(WriteStatus.ConcurrencyConflict, patched.Status);
    }

    [SkippableFact]
    public async Task Patch_of_a_missing_item_returns_not_found()
    {
        var events = await cosmos.EventsAsync();

        var patched = await events.PatchAsync(TestData.NewId("missing"), TestData.NewId("cmp"), new DocumentPatch().Increment("/count", 1));

        Assert.Equal(WriteStatus.NotFound, patched.Status);
    }

    [SkippableFact]
    public async Task Query_with_a_partition_key_sees_only_that_partition()
    {
        var events = await cosmos.EventsAsync();
        var campaign = TestData.NewId("cmp");
        var other = TestData.NewId("cmp");
        await events.CreateAsync(TestData.AnEvent(campaign, kind: "impression"));
        await events.CreateAsync(TestData.AnEvent(campaign, kind: "click"));
        await events.CreateAsync(TestData.AnEvent(other, kind: "impression"));

        var found = await events.QueryAsync(campaign, new DocumentQuery("SELECT * FROM c")).ToListAsync();

        Assert.Equal([campaign, campaign], found.Select(e => e.CampaignId));
    }

    [SkippableFact]
    public async Task Query_parameters_filter_the_results()
    {
        var events = await cosmos.EventsAsync();
        var campaign = TestData.NewId("cmp");
        await events.CreateAsync(TestData.AnEvent(campaign, kind: "impression"));
        var click = TestData.AnEvent(campaign, kind: "click");
        await events.CreateAsync(click);

        var found = await events.QueryAsync(
                campaign,
                new DocumentQuery("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", "click"))
            .ToListAsync();

        Assert.Equal([click], found);
    }

    [SkippableFact]
    public async Task Query_pages_follow_continuation_tokens_until_every_item_is_read_once()
    {
        var events = await cosmos.EventsAsync();
        var campaign = TestData.NewId("cmp");
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var item = TestData.AnEvent(campaign);
            await events.CreateAsync(item);
            ids.Add(item.Id);
        }

        var seen = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await events.QueryPageAsync(campaign, new DocumentQuery("SELECT * FROM c"), pageSize: 3, token);
            Assert.True(page.Items.Count <= 3, $"page {pages} holds {page.Items.Count} items, more than the page size 3");
            seen.AddRange(page.Items.Select(e => e.Id));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(ids.Order(), seen.Order());
    }

    [SkippableFact]
    public async Task Find_across_partitions_returns_matches_from_every_partition()
    {
        var events = await cosmos.EventsAsync();
        var viewer = TestData.NewId("viewer");
        var mine = new[]
        {
            TestData.AnEvent() with { ViewerKey = viewer },
            TestData.AnEvent() with { ViewerKey = viewer },
        };
        foreach (var item in mine)
        {
            await events.CreateAsync(item);
        }

        await events.CreateAsync(TestData.AnEvent() with { ViewerKey = TestData.NewId("viewer") });

        var found = await events.FindAcrossPartitionsAsync("viewerKey", viewer).ToListAsync();

        Assert.Equal(mine.Select(e => e.Id).Order(), found.Select(e => e.Id).Order());
    }

    [SkippableFact]
    public async Task Query_across_partitions_runs_sql_with_parameters_over_every_partition()
    {
        var campaigns = await cosmos.CampaignsAsync();
        var tag = TestData.NewId("tag");
        var tagged = new[] { new TestCampaign(TestData.NewId("cmp"), "a", [tag]), new TestCampaign(TestData.NewId("cmp"), "b", ["x", tag]) };
        foreach (var campaign in tagged)
        {
            await campaigns.CreateAsync(campaign);
        }

        await campaigns.CreateAsync(new TestCampaign(TestData.NewId("cmp"), "c", ["x"]));

        var found = await campaigns.QueryAcrossPartitionsAsync(
                new DocumentQuery("SELECT * FROM c WHERE ARRAY_CONTAINS(c.tags, @tag)").WithParameter("@tag", tag))
            .ToListAsync();

        Assert.Equal(tagged.Select(c => c.Id).Order(), found.Select(c => c.Id).Order());
    }

    [SkippableFact]
    public async Task An_item_with_a_ttl_disappears_from_reads_and_queries_once_it_expires()
    {
        var decisions = await cosmos.DecisionsAsync();
        var item = TestData.AnEvent(kind: "decision") with { TimeToLive = 2 };
        await decisions.CreateAsync(item);
        Assert.NotNull(await decisions.ReadAsync(item.Id, item.CampaignId));

        var gone = await Eventually.TrueAsync(async () => await decisions.ReadAsync(item.Id, item.CampaignId) is null, TimeSpan.FromSeconds(15));
        var queried = await decisions.QueryAsync(item.CampaignId, new DocumentQuery("SELECT * FROM c")).ToListAsync();

        Assert.True(gone, "the item with ttl 2 s was still readable after 15 s");
        Assert.Empty(queried);
    }

    [SkippableFact]
    public async Task An_item_without_a_ttl_in_a_per_item_ttl_container_does_not_expire()
    {
        var decisions = await cosmos.DecisionsAsync();
        var campaign = TestData.NewId("cmp");
        var lasting = TestData.AnEvent(campaign, kind: "decision");
        var expiring = TestData.AnEvent(campaign, kind: "decision") with { TimeToLive = 1 };
        await decisions.CreateAsync(lasting);
        await decisions.CreateAsync(expiring);

        var expired = await Eventually.TrueAsync(async () => await decisions.ReadAsync(expiring.Id, campaign) is null, TimeSpan.FromSeconds(15));

        Assert.True(expired, "the witness with ttl 1 s never expired, so this test proves nothing");
        Assert.NotNull(await decisions.ReadAsync(lasting.Id, campaign));
    }

    [SkippableFact]
    public async Task An_items_ttl_is_ignored_in_a_container_with_ttl_off()
    {
        var stats = await cosmos.StatsAsync();
        var decisions = await cosmos.DecisionsAsync();
        var campaign = TestData.NewId("cmp");
        var inStats = TestData.AnEvent(campaign) with { TimeToLive = 1 };
        var witness = TestData.AnEvent(campaign, kind: "decision") with { TimeToLive = 1 };
        await stats.CreateAsync(inStats);
        await decisions.CreateAsync(witness);

        // Once the same ttl has expired an item in a TTL container, the one in stats (TTL off) must still be there.
        var expired = await Eventually.TrueAsync(async () => await decisions.ReadAsync(witness.Id, campaign) is null, TimeSpan.FromSeconds(15));

        Assert.True(expired, "the witness with ttl 1 s never expired, so this test proves nothing");
        Assert.NotNull(await stats.ReadAsync(inStats.Id, campaign));
    }

    [SkippableFact]
    public async Task A_ttl_of_zero_is_rejected_as_a_bad_request()
    {
        var decisions = await cosmos.DecisionsAsync();

        var error = await Assert.ThrowsAsync<CosmosException>(() => decisions.CreateAsync(TestData.AnEvent(kind: "decision") with { TimeToLive = 0 }));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }
}
