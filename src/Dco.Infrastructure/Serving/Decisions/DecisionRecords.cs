using Dco.Infrastructure.Cosmos;
using Microsoft.Extensions.Caching.Memory;

namespace Dco.Infrastructure.Serving.Decisions;

/// <summary>
/// Finds stored decisions for tracking, conversions and learning, and removes a viewer's decisions.
/// A decision id names its page (<see cref="DecisionIds"/>): a lookup is the writer's memory when the
/// page is not written yet, else one point read of the page, which is then kept for a short while
/// because the impressions and clicks of a page's decisions arrive close together.
/// </summary>
public sealed class DecisionRecords : IDisposable
{
    /// <summary>
    /// How long after its page was opened a decision may still be unwritten on the instance that made
    /// it: the page's age limit, then its write, with room for a slow write and clock skew.
    /// </summary>
    public static readonly TimeSpan UnwrittenWindow = DecisionLogWriter.MaxPageAge + TimeSpan.FromSeconds(1.75);

    private const int CachedPages = 256;
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FirstRetryAfter = TimeSpan.FromMilliseconds(50);

    private readonly CosmosDocumentStore<DecisionPageDocument> pages;
    private readonly DecisionLogWriter writer;
    private readonly MemoryCache cache;
    private readonly TimeProvider time;

    public DecisionRecords(CosmosStores stores, DecisionLogWriter writer, TimeProvider time)
    {
        pages = DecisionLogWriter.DecisionPageStore(stores);
        this.writer = writer;
        this.time = time;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = CachedPages, Clock = new TimeProviderClock(time) });
    }

    /// <summary>The decision, or null when it is not stored (never written, expired, or deleted).</summary>
    public async Task<DecisionDocument?> FindAsync(string decisionId, string? campaignId, CancellationToken cancellationToken)
    {
        if (!DecisionIds.TryParse(decisionId, out var pageId, out var index))
        {
            return null;
        }

        if (writer.TryGetUnwritten(pageId, index) is { } pending)
        {
            return InCampaign(pending, campaignId);
        }

        if (!cache.TryGetValue(pageId, out IReadOnlyDictionary<string, DecisionDocument>? decisions) || decisions is null)
        {
            var page = await ReadPageAsync(pageId, campaignId, cancellationToken);
            if (page is null)
            {
                return null; // not cached: it may be written a moment from now
            }

            decisions = page.Decisions.ToDictionary(d => d.Id, StringComparer.Ordinal);
            cache.Set(pageId, decisions, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        }

        return decisions.TryGetValue(decisionId, out var decision) ? InCampaign(decision, campaignId) : null;
    }

    /// <summary>
    /// <see cref="FindAsync"/> for a request that cannot be retried later, such as a click: while the
    /// decision's page may still be waiting to be written by another instance (opened less than
    /// <see cref="UnwrittenWindow"/> ago), it looks again at growing intervals until the decision is
    /// found or the window has passed. Anything older is answered at once.
    /// </summary>
    public async Task<DecisionDocument?> FindOnceWrittenAsync(string decisionId, string? campaignId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(decisionId, campaignId, cancellationToken);
        if (found is not null || !DecisionIds.TryGetPageOpenedAt(decisionId, out var openedAt))
        {
            return found;
        }

        // Never longer than the window from now, whatever the clock of the instance that opened the page.
        var now = time.GetUtcNow();
        var deadline = openedAt < now ? openedAt + UnwrittenWindow : now + UnwrittenWindow;
        var wait = FirstRetryAfter;
        while (found is null)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(wait < left ? wait : left, time, cancellationToken);
            wait *= 2;
            found = await FindAsync(decisionId, campaignId, cancellationToken);
        }

        return found;
    }

    /// <summary>
    /// Removes every stored decision of the viewer. <paramref name="beforeRemoving"/> runs first for each
    /// (to delete its events), so an interrupted deletion still finds the rest when it is repeated.
    /// Returns how many decisions were removed.
    /// </summary>
    public async Task<int> RemoveViewerAsync(string userKey, Func<DecisionDocument, CancellationToken, Task> beforeRemoving, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(beforeRemoving);
        var query = new DocumentQuery("SELECT * FROM c WHERE ARRAY_CONTAINS(c.userKeys, @userKey)").WithParameter("@userKey", userKey);
        var found = new List<DecisionPageDocument>();
        await foreach (var page in pages.QueryAcrossPartitionsAsync(query, cancellationToken))
        {
            found.Add(page);
        }

        var removed = 0;
        foreach (var page in found)
        {
            foreach (var decision in page.Decisions.Where(d => d.UserKey == userKey))
            {
                await beforeRemoving(decision, cancellationToken);
            }

            removed += await RemoveFromPageAsync(page.Id, page.CampaignId, userKey, cancellationToken);
            cache.Remove(page.Id);
        }

        return removed;
    }

    private async Task<int> RemoveFromPageAsync(string pageId, string campaignId, string userKey, CancellationToken cancellationToken)
    {
        const int MaxAttempts = 10;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await pages.ReadAsync(pageId, campaignId, cancellationToken);
            if (stored is null)
            {
                return 0;
            }

            var page = stored.Value;
            var kept = page.Decisions.Where(d => d.UserKey != userKey).ToList();
            var removed = page.Decisions.Count - kept.Count;
            if (removed == 0)
            {
                return 0;
            }

            if (kept.Count == 0)
            {
                await pages.DeleteAsync(pageId, campaignId, cancellationToken);
                return removed;
            }

            var replaced = await pages.ReplaceAsync(
                page with { Decisions = kept, UserKeys = [.. page.UserKeys.Where(k => k != userKey)] },
                stored.ETag,
                cancellationToken);
            if (replaced.Status == WriteStatus.Succeeded)
            {
                return removed;
            }
        }

        throw new InvalidOperationException($"Decision page {pageId} kept changing during {MaxAttempts} attempts to remove a viewer from it; try again.");
    }

    public void Dispose() => cache.Dispose();

    /// <summary>The decision, unless a campaign is named and it is another one.</summary>
    private static DecisionDocument? InCampaign(DecisionDocument decision, string? campaignId) =>
        string.IsNullOrEmpty(campaignId) || decision.CampaignId == campaignId ? decision : null;

    private Task<DecisionPageDocument?> ReadPageAsync(string pageId, string? campaignId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(campaignId) ? FirstAcrossPartitionsAsync(pageId, cancellationToken) : ReadAsync(pageId, campaignId, cancellationToken);

    private async Task<DecisionPageDocument?> ReadAsync(string pageId, string campaignId, CancellationToken cancellationToken) =>
        (await pages.ReadAsync(pageId, campaignId, cancellationToken))?.Value;

    private async Task<DecisionPageDocument?> FirstAcrossPartitionsAsync(string pageId, CancellationToken cancellationToken)
    {
        await foreach (var page in pages.FindAcrossPartitionsAsync("id", pageId, cancellationToken))
        {
            return page;
        }

        return null;
    }

    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
