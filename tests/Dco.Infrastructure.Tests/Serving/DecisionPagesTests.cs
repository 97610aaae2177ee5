using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Tests.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dco.Infrastructure.Tests.Serving;

public sealed class DecisionIdsTests
{
    private const string Page = "0193a3b2c4d5e6f708192a3b4c5d6e7f";

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(DecisionLogWriter.PageCapacity - 1)]
    public void A_formatted_id_parses_back_to_its_page_and_index(int index)
    {
        var id = DecisionIds.Format(Page, index);

        Assert.True(DecisionIds.TryParse(id, out var page, out var parsed));
        Assert.Equal((Page, index), (page, parsed));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(DecisionLogWriter.PageCapacity - 1)]
    public void A_formatted_id_is_a_decision_of_its_page_and_of_no_other(int index)
    {
        var id = DecisionIds.Format(Page, index);

        Assert.True(DecisionIds.TryGetIndexIn(Page, id, out var parsed));
        Assert.Equal(index, parsed);
        Assert.False(DecisionIds.TryGetIndexIn("1" + Page[1..], id, out parsed));
        Assert.Equal(-1, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dec-123")]
    [InlineData(Page)]
    [InlineData(Page + "-")]
    [InlineData(Page + "-01")]
    [InlineData(Page + "-+1")]
    [InlineData(Page + "- 1")]
    [InlineData(Page + "-128")]
    [InlineData(Page + "-1x")]
    [InlineData("0193A3B2C4D5E6F708192A3B4C5D6E7F-1")]
    [InlineData("0193a3b2c4d5e6f708192a3b4c5d6e7-1")]
    [InlineData("0193a3b2-c4d5-e6f7-0819-2a3b4c5d6e7f-1")]
    public void Anything_else_is_not_a_decision_id(string? candidate)
    {
        Assert.False(DecisionIds.TryParse(candidate, out var page, out var index));
        Assert.Equal(("", -1), (page, index));
        Assert.False(DecisionIds.TryGetIndexIn(Page, candidate, out index));
        Assert.Equal(-1, index);
        Assert.False(DecisionIds.TryGetPageOpenedAt(candidate, out _));
    }

    [Fact]
    public void A_decision_id_tells_when_its_page_was_opened_to_the_millisecond()
    {
        var opened = new DateTimeOffset(2026, 11, 29, 6, 30, 15, 123, TimeSpan.Zero);
        var id = DecisionIds.Format(Guid.CreateVersion7(opened).ToString("N"), 3);

        Assert.True(DecisionIds.TryGetPageOpenedAt(id, out var parsed));
        Assert.Equal(opened, parsed);
        Assert.False(DecisionIds.TryGetPageOpenedAt(DecisionIds.Format(Guid.NewGuid().ToString("N"), 3), out _)); // version 4: no time
    }
}

/// <summary>The decision log against the configured Cosmos endpoint: pages, lookups, abandoned slots, forgotten viewers.</summary>
[Collection(CosmosCollection.Name)]
public sealed class DecisionPagesTests(CosmosDatabaseFixture cosmos)
{
    [SkippableFact]
    public async Task Decisions_are_written_in_pages_of_their_campaign_and_each_is_found_by_its_id()
    {
        var stores = await StoresAsync();
        var writer = Writer(stores);
        await writer.StartAsync(CancellationToken.None);
        var campaigns = new[] { NewCampaign(), NewCampaign() };
        var ids = new List<(string Campaign, string Id)>();
        foreach (var i in Enumerable.Range(0, 300))
        {
            var campaign = campaigns[i % 7 == 0 ? 1 : 0];
            var slot = await writer.ReserveAsync(campaign, CancellationToken.None);
            writer.Commit(slot, Document(slot.DecisionId, campaign, $"viewer-{i % 5}"));
            ids.Add((campaign, slot.DecisionId));
        }

        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(ids.Count, ids.Select(d => d.Id).Distinct().Count());
        using var records = new DecisionRecords(stores, Writer(stores), TimeProvider.System);
        foreach (var (campaign, id) in ids)
        {
            var found = await records.FindAsync(id, campaign, CancellationToken.None);
            Assert.Equal((id, campaign), (found?.Id, found?.CampaignId));
            Assert.Null(await records.FindAsync(id, campaigns.Single(c => c != campaign), CancellationToken.None));
        }

        var byPage = ids.GroupBy(d => d.Id[..DecisionIds.PageIdLength]).ToList();
        Assert.All(byPage, page => Assert.InRange(page.Count(), 1, DecisionLogWriter.PageCapacity));
        Assert.All(byPage, page => Assert.Single(page.Select(d => d.Campaign).Distinct()));
        var pages = DecisionLogWriter.DecisionPageStore(stores);
        var first = (await pages.ReadAsync(byPage[0].Key, byPage[0].First().Campaign))!.Value;
        Assert.Equal(first.Decisions.Select(d => d.UserKey).Distinct().Order(), first.UserKeys.Order());
        Assert.Equal((int)new ServingOptions().DecisionRetention.TotalSeconds, first.TimeToLive);
    }

    [SkippableFact]
    public async Task A_conversion_without_its_campaign_finds_the_decision_across_partitions()
    {
        var stores = await StoresAsync();
        var campaign = NewCampaign();
        var slots = await WritePageAsync(stores, campaign, [""]);

        using var records = new DecisionRecords(stores, Writer(stores), TimeProvider.System);

        Assert.Equal(campaign, (await records.FindAsync(slots[0].DecisionId, null, CancellationToken.None))?.CampaignId);
        Assert.Null(await records.FindAsync(DecisionIds.Format(Guid.CreateVersion7().ToString("N"), 0), null, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_decision_whose_page_is_not_written_yet_is_found_in_memory()
    {
        var stores = await StoresAsync();
        var writer = Writer(stores); // not started: nothing is written
        var campaign = NewCampaign();
        var slot = await writer.ReserveAsync(campaign, CancellationToken.None);
        using var records = new DecisionRecords(stores, writer, TimeProvider.System);

        Assert.Null(await records.FindAsync(slot.DecisionId, campaign, CancellationToken.None));
        writer.Commit(slot, Document(slot.DecisionId, campaign, "viewer"));

        Assert.Equal("viewer", (await records.FindAsync(slot.DecisionId, campaign, CancellationToken.None))?.UserKey);
        Assert.Null(await records.FindAsync(slot.DecisionId, NewCampaign(), CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_click_lookup_waits_for_a_page_another_instance_has_not_written_yet_but_not_past_its_window()
    {
        var stores = await StoresAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var campaign = NewCampaign();
        var maker = Writer(stores, clock); // the instance that decided; not started, so its page waits
        var slot = await maker.ReserveAsync(campaign, CancellationToken.None);
        maker.Commit(slot, Document(slot.DecisionId, campaign, "viewer"));
        using var other = new DecisionRecords(stores, Writer(stores, clock), clock);

        var lookup = other.FindOnceWrittenAsync(slot.DecisionId, campaign, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(lookup.IsCompleted); // not stored, and the page is younger than the window: it waits
        await maker.StartAsync(CancellationToken.None);
        await maker.StopAsync(CancellationToken.None); // seals and writes the page
        var found = await AdvanceUntilDoneAsync(clock, lookup);

        Assert.Equal((slot.DecisionId, "viewer"), (found?.Id, found?.UserKey));
        Assert.True(clock.GetUtcNow() < OpenedAt(slot.DecisionId) + DecisionRecords.UnwrittenWindow);

        // A page that never comes is given up at the end of its window; an older one is not waited for at all.
        var never = DecisionIds.Format(Guid.CreateVersion7(clock.GetUtcNow()).ToString("N"), 0);
        Assert.Null(await AdvanceUntilDoneAsync(clock, other.FindOnceWrittenAsync(never, campaign, CancellationToken.None)));
        Assert.True(clock.GetUtcNow() >= OpenedAt(never) + DecisionRecords.UnwrittenWindow);
        var askedAt = clock.GetUtcNow();
        var ahead = DecisionIds.Format(Guid.CreateVersion7(askedAt + TimeSpan.FromHours(1)).ToString("N"), 0); // opened by a clock an hour fast
        Assert.Null(await AdvanceUntilDoneAsync(clock, other.FindOnceWrittenAsync(ahead, campaign, CancellationToken.None)));
        Assert.InRange(clock.GetUtcNow() - askedAt, DecisionRecords.UnwrittenWindow, DecisionRecords.UnwrittenWindow + TimeSpan.FromSeconds(1));
        var old = DecisionIds.Format(Guid.CreateVersion7(clock.GetUtcNow() - DecisionRecords.UnwrittenWindow).ToString("N"), 0);
        Assert.Null(await other.FindOnceWrittenAsync(old, campaign, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [SkippableFact]
    public async Task An_abandoned_slot_is_left_out_and_the_rest_of_its_page_is_written()
    {
        var stores = await StoresAsync();
        var campaign = NewCampaign();

        var slots = await WritePageAsync(stores, campaign, ["", null]);

        var page = await PageOfAsync(stores, slots[0].DecisionId, campaign);
        Assert.Equal([slots[0].DecisionId], page!.Decisions.Select(d => d.Id));
    }

    [SkippableFact]
    public async Task A_viewer_forgotten_before_the_page_is_written_is_not_linked_to_their_decisions()
    {
        var stores = await StoresAsync();
        var campaign = NewCampaign();

        var slots = await WritePageAsync(stores, campaign, ["forgotten-viewer", "other-viewer"], forget: "forgotten-viewer");

        var page = await PageOfAsync(stores, slots[0].DecisionId, campaign);
        Assert.Equal(["", "other-viewer"], page!.Decisions.Select(d => d.UserKey));
        Assert.Equal(["other-viewer"], page.UserKeys);
    }

    [SkippableFact]
    public async Task Removing_a_viewer_keeps_the_other_decisions_of_a_shared_page_and_deletes_a_page_left_empty()
    {
        var stores = await StoresAsync();
        var campaign = NewCampaign();
        var sharedPage = await WritePageAsync(stores, campaign, ["leaving", "staying"]);
        var alonePage = await WritePageAsync(stores, campaign, ["leaving"]);
        using var records = new DecisionRecords(stores, Writer(stores), TimeProvider.System);
        var seen = new List<string>();

        var removed = await records.RemoveViewerAsync("leaving", (d, _) => { seen.Add(d.Id); return Task.CompletedTask; }, CancellationToken.None);
        var again = await records.RemoveViewerAsync("leaving", (d, _) => { seen.Add(d.Id); return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal((2, 0), (removed, again));
        Assert.Equal(new[] { sharedPage[0].DecisionId, alonePage[0].DecisionId }.Order(), seen.Order());
        var left = await PageOfAsync(stores, sharedPage[1].DecisionId, campaign);
        Assert.Equal([sharedPage[1].DecisionId], left!.Decisions.Select(d => d.Id));
        Assert.Equal(["staying"], left.UserKeys);
        Assert.Null(await PageOfAsync(stores, alonePage[0].DecisionId, campaign));
        Assert.Null(await records.FindAsync(sharedPage[0].DecisionId, campaign, CancellationToken.None));
        Assert.NotNull(await records.FindAsync(sharedPage[1].DecisionId, campaign, CancellationToken.None));
    }

    /// <summary>
    /// Writes one page with a decision per viewer key (null: a slot reserved and then abandoned),
    /// forgetting <paramref name="forget"/> after the decisions are made and before the page is written.
    /// </summary>
    private static async Task<DecisionSlot[]> WritePageAsync(CosmosStores stores, string campaign, string?[] userKeys, string? forget = null)
    {
        var writer = Writer(stores);
        await writer.StartAsync(CancellationToken.None);
        var slots = new DecisionSlot[userKeys.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = await writer.ReserveAsync(campaign, CancellationToken.None);
        }

        for (var i = 0; i < slots.Length; i++)
        {
            writer.Commit(slots[i], userKeys[i] is { } userKey ? Document(slots[i].DecisionId, campaign, userKey) : null);
        }

        if (forget is not null)
        {
            writer.Forget(forget);
        }

        await writer.StopAsync(CancellationToken.None);
        Assert.Single(slots.Select(s => s.DecisionId[..DecisionIds.PageIdLength]).Distinct());
        return slots;
    }

    private static async Task<DecisionPageDocument?> PageOfAsync(CosmosStores stores, string decisionId, string campaign)
    {
        Assert.True(DecisionIds.TryParse(decisionId, out var pageId, out _));
        return (await DecisionLogWriter.DecisionPageStore(stores).ReadAsync(pageId, campaign))?.Value;
    }

    private async Task<CosmosStores> StoresAsync() => (await cosmos.ServicesAsync()).GetRequiredService<CosmosStores>();

    private static DecisionLogWriter Writer(CosmosStores stores, TimeProvider? time = null) =>
        new(stores, time ?? TimeProvider.System, Options.Create(new ServingOptions()), NullLogger<DecisionLogWriter>.Instance);

    private static DateTimeOffset OpenedAt(string decisionId)
    {
        Assert.True(DecisionIds.TryGetPageOpenedAt(decisionId, out var openedAt));
        return openedAt;
    }

    /// <summary>Moves the fake clock on in small steps, giving real I/O time to run, until <paramref name="task"/> completes.</summary>
    private static async Task<T> AdvanceUntilDoneAsync<T>(FakeTimeProvider clock, Task<T> task)
    {
        for (var step = 0; step < 400 && !task.IsCompleted; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(25));
            await Task.WhenAny(task, Task.Delay(25));
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static string NewCampaign() => "camp-" + Guid.NewGuid().ToString("N")[..10];

    private static DecisionDocument Document(string id, string campaign, string userKey) => new()
    {
        Id = id,
        CampaignId = campaign,
        UserKey = userKey,
        Record = new DecisionRecord
        {
            DecisionId = id,
            CampaignId = campaign,
            CampaignVersion = "1",
            PolicyName = "thompson",
            PolicyVersion = "1.0",
            DecidedAt = DateTimeOffset.UtcNow,
            Consent = ConsentLevel.Full,
            AssetIds = ["headline-a", "image-b"],
            Propensity = 0.25,
        },
        Destinations = new Dictionary<string, string> { ["image-b"] = "https://shop.example/b" },
    };
}
