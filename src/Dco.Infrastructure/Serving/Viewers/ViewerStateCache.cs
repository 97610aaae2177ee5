using System.Collections.Concurrent;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Privacy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Serving.Viewers;

/// <summary>What decide knows of one pseudonymous viewer.</summary>
public sealed record ViewerFacts(bool Known, bool OptedOut, IReadOnlyList<string> Segments)
{
    /// <summary>The profile could not be read in time: serve contextually (an opt-out may be unknown).</summary>
    public static readonly ViewerFacts Unknown = new(false, false, []);

    public static readonly ViewerFacts New = new(true, false, []);

    public static ViewerFacts Of(ProfileDocument profile) => new(true, profile.OptedOut, profile.Segments);
}

/// <summary>
/// Per-viewer state on the hot path (docs/decisions/0008-serving-hot-path.md, 0011-frequency-buckets.md):
/// profile facts and recent impressions live in memory, keyed by pseudonymous viewer key. A miss costs
/// one point read of the viewer's profile (and of their frequency bucket, when this instance has not
/// read it for a minute), within <see cref="ServingOptions.ProfileReadBudget"/>. Served impressions are
/// counted in memory at once (so caps hold between two requests of the same viewer) and written behind
/// to the viewers' frequency buckets: one read and one conditional write per bucket with news per flush
/// interval, merged with what other instances wrote, however many viewers were served.
/// </summary>
public sealed partial class ViewerStateCache(CosmosStores stores, FrequencyBuckets buckets, TimeProvider time, IOptions<ServingOptions> options, ILogger<ViewerStateCache> logger) : BackgroundService, IViewerStateListener
{
    // Opt-outs and deletions made through our API reach every instance through the viewer's bucket
    // (FrequencyBuckets.ForgetAsync) within a flush interval; re-reading the profile only brings in
    // segments other systems wrote, so it is done every few minutes, not on every flush.
    private static readonly TimeSpan FactsLifetime = TimeSpan.FromMinutes(5);

    // A bucket is read again on a miss of one of its viewers once this old: impressions other instances
    // wrote meanwhile are counted for viewers new to this instance.
    private static readonly TimeSpan BucketLifetime = TimeSpan.FromSeconds(60);

    // Due buckets are started every 10 ms, so their writes reach Cosmos as a steady trickle rather than
    // a burst that queues decides behind it.
    private static readonly TimeSpan FlushCheckInterval = TimeSpan.FromMilliseconds(10);
    private const int FlushParallelism = 4;

    private readonly CosmosDocumentStore<ProfileDocument> profiles = stores.For<ProfileDocument>(CosmosContainers.Profiles, p => p.Id, p => p.UserKey);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, BucketState> bucketStates = new();
    // Buckets with unwritten impressions by due time (UTC ticks), so a tick takes what is due without scanning.
    private readonly PriorityQueue<int, long> schedule = new();
    private readonly Lock scheduleLock = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<ViewerFacts>>> reads = new(StringComparer.Ordinal);
    private static readonly TimeSpan BackgroundReadTimeout = TimeSpan.FromSeconds(5);
    private long slowReads;

    /// <summary>
    /// The viewer's facts, from memory or (on a miss) their profile within the read budget. A read that
    /// outlasts the budget goes on in the background and fills the cache for the viewer's next request;
    /// concurrent misses of one viewer share one read. Facts older than their lifetime are still
    /// answered at once while a background read refreshes them: only a viewer never read waits.
    /// </summary>
    public async ValueTask<ViewerFacts> GetFactsAsync(string userKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (entries.TryGetValue(userKey, out var entry) && entry.FactsReadAt != DateTimeOffset.MinValue)
        {
            entry.LastUsed = now;
            var facts = entry.Facts;
            if (entry.FactsReadAt + FactsLifetime <= now)
            {
                _ = Read(userKey);
            }

            return facts;
        }

        var read = Read(userKey);
        if (!read.IsCompleted)
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var waited = await Task.WhenAny(read, Task.Delay(options.Value.ProfileReadBudget, time, budget.Token));
            await budget.CancelAsync();
            if (waited != read)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Interlocked.Increment(ref slowReads) % 1000 == 1)
                {
                    LogProfileSlow(logger, options.Value.ProfileReadBudget.TotalMilliseconds, slowReads);
                }

                return ViewerFacts.Unknown;
            }
        }

        return await read;
    }

    private Task<ViewerFacts> Read(string userKey) => reads.GetOrAdd(userKey, key => new Lazy<Task<ViewerFacts>>(() => LoadAsync(key))).Value;

    /// <summary>Reads the profile and, unless read recently, the viewer's frequency bucket, at the same time.</summary>
    private async Task<ViewerFacts> LoadAsync(string userKey)
    {
        var started = time.GetUtcNow();
        try
        {
            using var timeout = new CancellationTokenSource(BackgroundReadTimeout);
            var bucket = RefreshBucketAsync(buckets.BucketOf(userKey), timeout.Token);
            var profile = (await profiles.ReadAsync(userKey, userKey, timeout.Token))?.Value;
            await bucket;
            var facts = profile is null ? ViewerFacts.New : ViewerFacts.Of(profile);
            var now = time.GetUtcNow();
            var fresh = entries.GetOrAdd(userKey, key => new Entry(key, started));
            lock (fresh)
            {
                if (fresh.FactsReadAt == DateTimeOffset.MinValue)
                {
                    // Impressions written by versions before 0011; a refresh of the facts finds them merged already.
                    fresh.AbsorbLegacy(profile?.Frequency, now - FrequencyBuckets.Horizon);
                }

                fresh.WithFacts(facts, now);
            }

            fresh.LastUsed = now;
            TrimIfNeeded();
            return facts;
        }
#pragma warning disable CA1031 // An unreadable profile means "unknown viewer" for this request (served contextually), never a failed decision.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogProfileReadFailed(logger, ex);
            return ViewerFacts.Unknown;
        }
        finally
        {
            reads.TryRemove(userKey, out _);
        }
    }

    /// <summary>Reads the bucket when this instance has not read or written it within <see cref="BucketLifetime"/>; concurrent misses share one read.</summary>
    private Task RefreshBucketAsync(int bucket, CancellationToken cancellationToken)
    {
        var state = bucketStates.GetOrAdd(bucket, _ => new BucketState());
        lock (state)
        {
            if (state.Reading is { IsCompleted: false } reading)
            {
                return reading;
            }

            if (state.ReadAt > time.GetUtcNow() - BucketLifetime)
            {
                return Task.CompletedTask;
            }

            return state.Reading = ReadBucketAsync(bucket, state, cancellationToken);
        }
    }

    private async Task ReadBucketAsync(int bucket, BucketState state, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var document = await buckets.ReadAsync(bucket, cancellationToken);
        if (document is not null)
        {
            Absorb(document, started);
        }

        lock (state)
        {
            state.ReadAt = started;
        }
    }

    /// <summary>
    /// Takes in a bucket as stored: viewers forgotten since this instance started holding them are dropped
    /// (opt-out or deletion on any instance); everyone else's impressions are merged with the ones held
    /// here, and viewers not held yet get an entry, so their first request needs no bucket read.
    /// </summary>
    private void Absorb(FrequencyBucketDocument document, DateTimeOffset readStarted)
    {
        foreach (var (userKey, forgottenAt) in document.Forgotten)
        {
            if (entries.TryGetValue(userKey, out var held) && held.Since.ToUnixTimeSeconds() <= forgottenAt)
            {
                Forget(userKey);
            }
        }

        var horizon = time.GetUtcNow() - FrequencyBuckets.Horizon;
        foreach (var (userKey, campaigns) in document.Viewers)
        {
            var entry = entries.GetOrAdd(userKey, key => new Entry(key, readStarted));
            lock (entry)
            {
                entry.Absorb(campaigns, horizon);
            }
        }
    }

    /// <summary>A copy of the viewer's recent impressions in one campaign (memory only: call after <see cref="GetFactsAsync"/>).</summary>
    public ViewerFrequency FrequencyOf(string userKey, string campaignId)
    {
        if (!entries.TryGetValue(userKey, out var entry))
        {
            return ViewerFrequency.Empty;
        }

        lock (entry)
        {
            return entry.Frequency.TryGetValue(campaignId, out var frequency) ? frequency.Copy() : ViewerFrequency.Empty;
        }
    }

    /// <summary>
    /// Holds the viewer's lock until the lease is disposed, so a decision's cap checks (on
    /// <see cref="FrequencyLease.Frequency"/>, which is live, not a copy) and the record of what it served
    /// are one step for the viewer: two concurrent decides of one viewer cannot both pass a cap that
    /// allows one more. Dispose on the same thread, without awaiting in between (memory only: call after
    /// <see cref="GetFactsAsync"/>).
    /// </summary>
    /// <param name="userKey">The viewer's pseudonymous key.</param>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="assetCapScope">
    /// The assets the campaign's asset caps count (<see cref="CampaignSnapshot.AssetCapScope"/>): the viewer's
    /// impressions are kept per asset for these only, and rebuilt from the combinations' when the scope
    /// counts others than before. Null: every asset.
    /// </param>
    public FrequencyLease LeaseFrequency(string userKey, string campaignId, AssetCapScope? assetCapScope = null)
    {
        var now = time.GetUtcNow();
        var scope = assetCapScope ?? AssetCapScope.All;
        var entry = entries.GetOrAdd(userKey, static (key, now) => new Entry(key, now), now);
        Monitor.Enter(entry);
        try
        {
            if (entry.Frequency.TryGetValue(campaignId, out var frequency))
            {
                frequency.Scope(scope, now - FrequencyBuckets.Horizon);
            }
        }
        catch
        {
            Monitor.Exit(entry);
            throw;
        }

        return new FrequencyLease(this, campaignId, scope, entry);
    }

    /// <summary>
    /// Counts a served creative for the viewer's frequency caps and schedules the bucket's write.
    /// <paramref name="combinationKey"/> is the asset ids joined by <c>|</c> (<c>Decision.CombinationKey</c>).
    /// </summary>
    public void RecordServed(string userKey, string campaignId, IReadOnlyList<string> assetIds, string combinationKey, AssetCapScope? assetCapScope = null)
    {
        using var lease = LeaseFrequency(userKey, campaignId, assetCapScope);
        lease.RecordServed(assetIds, combinationKey);
    }

    // Under the entry's lock. MarkUnwritten takes the bucket's lock: always after an entry's, never before.
    private void Record(Entry entry, string campaignId, AssetCapScope scope, IReadOnlyList<string> assetIds, string combinationKey, bool keysPooled)
    {
        var now = time.GetUtcNow();
        // The lease scoped the campaign's rows already, or the campaign is new to the viewer and starts with the scope.
        entry.Campaign(campaignId, scope).Record(now, assetIds, combinationKey, now - FrequencyBuckets.Horizon, keysPooled);

        // Once per write of the viewer's bucket, not once per impression: until the writer has taken this entry's
        // impressions (WriteBucketAsync, under this lock), its bucket still lists the viewer as unwritten.
        if (!entry.AwaitsWrite)
        {
            entry.AwaitsWrite = true;
            MarkUnwritten(buckets.BucketOf(entry.Key), [entry.Key], now);
        }
    }

    /// <summary>One viewer's frequency in one campaign under the viewer's lock (<see cref="LeaseFrequency"/>).</summary>
    public readonly struct FrequencyLease : IDisposable
    {
        private readonly ViewerStateCache? cache;
        private readonly string campaignId;
        private readonly AssetCapScope scope;
        private readonly Entry? entry;

        internal FrequencyLease(ViewerStateCache cache, string campaignId, AssetCapScope scope, Entry entry)
        {
            this.cache = cache;
            this.campaignId = campaignId;
            this.scope = scope;
            this.entry = entry;
        }

        /// <summary>The viewer's impressions in the campaign, live while the lease is held (empty for a default lease).</summary>
        public ViewerFrequency Frequency =>
            entry is not null && entry.Frequency.TryGetValue(campaignId, out var frequency) ? frequency.View : ViewerFrequency.Empty;

        /// <summary>Counts a served creative (<see cref="ViewerStateCache.RecordServed"/>).</summary>
        /// <param name="assetIds">The asset served per slot.</param>
        /// <param name="combinationKey">The asset ids joined by <c>|</c>.</param>
        /// <param name="keysPooled">
        /// True only when <paramref name="combinationKey"/> and every one of <paramref name="assetIds"/> is the instance
        /// <see cref="PooledKeys"/> holds (<see cref="Decision.KeysArePooled"/>): the viewer's rows are then found, and
        /// new ones added, without looking the keys up in the pool.
        /// </param>
        public void RecordServed(IReadOnlyList<string> assetIds, string combinationKey, bool keysPooled = false)
        {
            if (cache is null || entry is null)
            {
                throw new InvalidOperationException("This lease holds no viewer.");
            }

            cache.Record(entry, campaignId, scope, assetIds, combinationKey, keysPooled);
        }

        public void Dispose()
        {
            if (entry is not null)
            {
                Monitor.Exit(entry);
            }
        }
    }

    /// <summary>Adds viewers to their bucket's unwritten ones and, unless it already is, schedules the bucket's write.</summary>
    private void MarkUnwritten(int bucket, ReadOnlySpan<string> userKeys, DateTimeOffset changedAt)
    {
        var state = bucketStates.GetOrAdd(bucket, _ => new BucketState());
        long due;
        lock (state)
        {
            foreach (var userKey in userKeys)
            {
                state.Unwritten.Add(userKey);
            }

            if (state.Due is not null)
            {
                return;
            }

            state.Due = due = DueAfter(changedAt);
        }

        lock (scheduleLock)
        {
            schedule.Enqueue(bucket, due);
        }
    }

    /// <summary>
    /// When a change made at <paramref name="changedAt"/> is written: at a random point in the last quarter
    /// of the flush interval, so a change is never older than the interval when written, and buckets that
    /// get news together (a restart, a traffic spike, a load test) are not all written in the same second
    /// one interval later, but spread over a quarter interval, and further apart each cycle.
    /// </summary>
    private long DueAfter(DateTimeOffset changedAt)
    {
        var interval = options.Value.ViewerFlushInterval.Ticks;
        return changedAt.UtcTicks + (interval * 3 / 4) + Random.Shared.NextInt64(interval / 4 + 1);
    }

    /// <summary>Drops everything held for a viewer (opt-out or deletion): nothing pending is written back.</summary>
    public void Forget(string userKey)
    {
        entries.TryRemove(userKey, out _);
        if (bucketStates.TryGetValue(buckets.BucketOf(userKey), out var state))
        {
            lock (state)
            {
                state.Unwritten.Remove(userKey);
            }
        }
    }

    /// <summary>Writes every pending frequency change to the buckets (also called on shutdown).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => FlushAsync(long.MaxValue, cancellationToken);

    /// <summary>Writes the changes that are due (<see cref="DueAfter"/>).</summary>
    private Task FlushDueAsync(CancellationToken cancellationToken) => FlushAsync(time.GetUtcNow().UtcTicks, cancellationToken);

    private async Task FlushAsync(long dueBy, CancellationToken cancellationToken)
    {
        List<int>? due = null;
        lock (scheduleLock)
        {
            while (schedule.TryPeek(out _, out var at) && at <= dueBy)
            {
                (due ??= []).Add(schedule.Dequeue());
            }
        }

        if (due is null)
        {
            return;
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = FlushParallelism, CancellationToken = cancellationToken }, WriteBucketAsync);
    }

    /// <summary>
    /// Merges the bucket as stored into memory (others' impressions, forgotten viewers), then writes this
    /// instance's viewers with news, whose entries now hold both; again from a fresh read when another
    /// instance wrote the bucket meanwhile. What fails to write is kept and tried again within an interval.
    /// </summary>
    private async ValueTask WriteBucketAsync(int bucket, CancellationToken cancellationToken)
    {
        var state = bucketStates[bucket];
        string[] unwritten;
        lock (state)
        {
            unwritten = [.. state.Unwritten];
            state.Unwritten.Clear();
            state.Due = null;
        }

        if (unwritten.Length == 0)
        {
            return;
        }

        var started = time.GetUtcNow();
        try
        {
            WrittenBucket? written;
            lock (state)
            {
                written = state.Written;
            }

            var last = written is null ? null : AsWritten(bucket, written, unwritten);

            var stored = await buckets.UpdateAsync(bucket, (stored, read) =>
            {
                if (read)
                {
                    Absorb(stored, started); // others' impressions and forgotten viewers; our own last write is in memory already
                }

                var now = time.GetUtcNow();
                var horizon = now - FrequencyBuckets.Horizon;
                var viewers = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>>(stored.Viewers, StringComparer.Ordinal);
                foreach (var userKey in unwritten)
                {
                    if (entries.TryGetValue(userKey, out var entry)) // else forgotten meanwhile
                    {
                        lock (entry)
                        {
                            viewers[userKey] = entry.ToStored(horizon);

                            // What it served from now on is news for the next write. (If this write fails, the
                            // viewers are listed as unwritten again below.)
                            entry.AwaitsWrite = false;
                        }
                    }
                }

                RemoveExpired(viewers, horizon.ToUnixTimeSeconds());
                return stored with { Viewers = viewers, Forgotten = FrequencyBuckets.Pruned(stored.Forgotten, now) };
            }, last, cancellationToken);
            lock (state)
            {
                state.ReadAt = started;
                state.Written = stored.ETag.Length > 0 ? new WrittenBucket(stored.ETag, [.. stored.Value.Viewers.Keys], stored.Value.Forgotten) : null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFlushFailed(logger, ex);
            MarkUnwritten(bucket, unwritten.Where(entries.ContainsKey).ToArray(), time.GetUtcNow()); // retried within an interval
        }
    }

    /// <summary>
    /// The bucket as this instance last wrote it, rebuilt from the entries held (which hold all it wrote,
    /// and since then only news of their own that is about to be written over it anyway), so a write
    /// needs no read while no other instance writes the bucket, and no copy of it is kept between
    /// writes. Null (read it) when a viewer it held is no longer held here.
    /// </summary>
    private StoredDocument<FrequencyBucketDocument>? AsWritten(int bucket, WrittenBucket written, string[] unwritten)
    {
        var horizon = time.GetUtcNow() - FrequencyBuckets.Horizon;
        var viewers = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>>(written.Viewers.Length, StringComparer.Ordinal);
        foreach (var userKey in written.Viewers)
        {
            if (!entries.TryGetValue(userKey, out var entry))
            {
                return null;
            }

            if (Array.IndexOf(unwritten, userKey) < 0)
            {
                lock (entry)
                {
                    viewers[userKey] = entry.ToStored(horizon);
                }
            }
        }

        var id = FrequencyBuckets.IdOf(bucket);
        return new(new FrequencyBucketDocument { Id = id, UserKey = id, Viewers = viewers, Forgotten = written.Forgotten }, written.ETag);
    }

    /// <summary>Drops viewers of the bucket whose latest impression is past the horizon (older times of live viewers go when they are next written; lists are in time order).</summary>
    private static void RemoveExpired(Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>>> viewers, long oldestSecond)
    {
        List<string>? expired = null;
        foreach (var (userKey, campaigns) in viewers)
        {
            if (!campaigns.Values.Any(combinations => combinations.Values.Any(times => times.Length > 0 && times[^1] >= oldestSecond)))
            {
                (expired ??= []).Add(userKey);
            }
        }

        foreach (var userKey in expired ?? [])
        {
            viewers.Remove(userKey);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ViewerFlushInterval;
        using var timer = new PeriodicTimer(interval < FlushCheckInterval ? interval : FlushCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushDueAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: the final flush runs in StopAsync
        }
    }

    /// <summary>
    /// Writes what is unwritten. When the host stops waiting first (its shutdown timeout, e.g. with the store
    /// unreachable), the viewers whose impressions are still unwritten are logged as lost with this process, and
    /// the host's stop goes on rather than failing with the cancellation.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (UnwrittenViewerCount() is > 0 and var viewers)
            {
                LogUnwrittenAtStop(logger, viewers);
            }
        }
    }

    /// <summary>Viewers with impressions no write has taken, or listed again after a write that failed.</summary>
    private int UnwrittenViewerCount()
    {
        var unwritten = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in bucketStates.Values)
        {
            lock (state)
            {
                unwritten.UnionWith(state.Unwritten);
            }
        }

        foreach (var (key, entry) in entries)
        {
            if (entry.AwaitsWrite)
            {
                unwritten.Add(key);
            }
        }

        return unwritten.Count;
    }

    private void TrimIfNeeded()
    {
        var limit = options.Value.ViewerCacheSize;
        if (entries.Count <= limit)
        {
            return;
        }

        // Drop the least recently used tenth that has nothing unwritten; the buckets keep what was written.
        foreach (var (key, entry) in entries.OrderBy(e => e.Value.LastUsed).Take(Math.Max(1, limit / 10)).ToList())
        {
            // Also while a write is taking the bucket's unwritten viewers (they are no longer listed in it, but
            // their entries still hold what the write is about to read). Not nested in the bucket's lock below.
            bool awaitsWrite;
            lock (entry)
            {
                awaitsWrite = entry.AwaitsWrite;
            }

            if (awaitsWrite)
            {
                continue;
            }

            var state = bucketStates.GetValueOrDefault(buckets.BucketOf(key));
            var unwritten = false;
            if (state is not null)
            {
                lock (state)
                {
                    unwritten = state.Unwritten.Contains(key);
                }
            }

            if (!unwritten)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    /// <summary>What this instance knows of one bucket: viewers with unwritten impressions, when it is due, when it was last read and written.</summary>
    private sealed class BucketState
    {
        public HashSet<string> Unwritten { get; } = new(StringComparer.Ordinal);

        public long? Due { get; set; }

        public DateTimeOffset ReadAt { get; set; } = DateTimeOffset.MinValue;

        public Task? Reading { get; set; }

        /// <summary>This instance's last write of the bucket: the next write tries it first, without a read (<see cref="AsWritten"/>).</summary>
        public WrittenBucket? Written { get; set; }
    }

    /// <summary>What is kept of a bucket this instance wrote: its ETag, its viewers and its forgotten ones, not their impressions.</summary>
    private sealed record WrittenBucket(string ETag, string[] Viewers, IReadOnlyDictionary<string, long> Forgotten);

    internal sealed class Entry(string key, DateTimeOffset since)
    {
        /// <summary>The viewer's key as the cache holds it (an old string: a reference to it marks no card when stored in old objects).</summary>
        public string Key { get; } = key;

        /// <summary>When this instance started holding the viewer: a forget recorded at or after it drops the entry.</summary>
        public DateTimeOffset Since { get; } = since;

        public ViewerFacts Facts { get; private set; } = ViewerFacts.New;

        /// <summary>When the facts were read (MinValue: never, the entry came from a bucket or a served request).</summary>
        public DateTimeOffset FactsReadAt { get; private set; } = DateTimeOffset.MinValue;

        public DateTimeOffset LastUsed { get; set; }

        /// <summary>
        /// The viewer has impressions its bucket's next write is to take, and is listed in the bucket's unwritten
        /// viewers (set and cleared under this entry's lock).
        /// </summary>
        public bool AwaitsWrite { get; set; }

        public Dictionary<string, CampaignFrequency> Frequency { get; } = new(StringComparer.Ordinal);

        public void WithFacts(ViewerFacts facts, DateTimeOffset readAt)
        {
            Facts = facts;
            FactsReadAt = readAt;
        }

        /// <summary>Merges a bucket's impressions of the viewer into the ones held (callers hold the entry's lock).</summary>
        public void Absorb(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long[]>> campaigns, DateTimeOffset horizon)
        {
            foreach (var (campaignId, combinations) in campaigns)
            {
                Campaign(campaignId).Absorb(combinations, horizon);
            }
        }

        /// <summary>Merges impressions a profile held before they moved to buckets (each is in its combination's list).</summary>
        public void AbsorbLegacy(IReadOnlyDictionary<string, CampaignFrequencyDocument>? campaigns, DateTimeOffset horizon)
        {
            foreach (var (campaignId, document) in campaigns ?? new Dictionary<string, CampaignFrequencyDocument>())
            {
                Campaign(campaignId).Absorb(document.Combinations.ToDictionary(c => c.Key, c => c.Value.Select(t => t.ToUnixTimeSeconds()).ToArray()), horizon);
            }
        }

        public Dictionary<string, IReadOnlyDictionary<string, long[]>> ToStored(DateTimeOffset horizon) =>
            Frequency.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, long[]>)f.Value.ToStored(horizon), StringComparer.Ordinal);

        /// <summary>The viewer's impressions in the campaign; new ones keep asset rows for <paramref name="scope"/>'s assets (null: all).</summary>
        public CampaignFrequency Campaign(string campaignId, AssetCapScope? scope = null)
        {
            if (!Frequency.TryGetValue(campaignId, out var frequency))
            {
                frequency = new CampaignFrequency(scope ?? AssetCapScope.All);
                Frequency[campaignId] = frequency;
            }

            return frequency;
        }
    }

    /// <summary>
    /// One viewer's impressions in one campaign: the campaign's times, and each asset's and each
    /// combination's as rows of a <see cref="KeyedImpressions"/> (keys in one array, times in another),
    /// changed in place and shown to the engine through one <see cref="ViewerFrequency"/> built once.
    /// Recording a served creative allocates only for a key the viewer has not seen yet. Callers hold the
    /// entry's lock, also while the engine reads <see cref="View"/>.
    /// </summary>
    internal sealed class CampaignFrequency
    {
        // Rows found by pooled key (a reference comparison over one array of keys), not by a dictionary: a
        // new key is stored into arrays, not into an object per key (docs/decisions/0014-viewer-frequency-rows.md).
        private readonly ImpressionTimes campaign = new(4);
        private readonly KeyedImpressions assets = new();
        private readonly KeyedImpressions combinations = new();
        private bool unpooledKeys; // a key held as it came (the pool was full): look keys up by value too
        private AssetCapScope assetCapScope; // the assets that have rows

        public CampaignFrequency(AssetCapScope assetCapScope)
        {
            this.assetCapScope = assetCapScope;
            View = new ViewerFrequency { CampaignImpressions = campaign, AssetTimes = assets, CombinationTimes = combinations };
        }

        /// <summary>The live lists, valid while the entry's lock is held.</summary>
        public ViewerFrequency View { get; }

        /// <summary>
        /// Keeps asset rows only for the assets <paramref name="scope"/> counts: the other assets' rows (most
        /// of a viewer's, and most of what a decide allocated to keep) change no decision. When the scope
        /// counts other assets than the rows were kept for, the rows are rebuilt from the combinations',
        /// which hold every impression.
        /// </summary>
        public void Scope(AssetCapScope scope, DateTimeOffset horizon)
        {
            if (ReferenceEquals(scope, assetCapScope))
            {
                return;
            }

            var same = scope.CountsTheSameAs(assetCapScope);
            assetCapScope = scope;
            if (!same)
            {
                Rebuild(horizon);
            }
        }

        public void Record(DateTimeOffset now, IReadOnlyList<string> assetIds, string combinationKey, DateTimeOffset horizon, bool keysPooled = false)
        {
            var at = now.UtcTicks;
            var oldest = horizon.UtcTicks;
            campaign.Add(at, oldest);
            for (var i = 0; i < assetIds.Count; i++)
            {
                if (assetCapScope.Counts(assetIds[i]))
                {
                    assets.Add(keysPooled ? PooledRow(assets, assetIds[i]) : Row(assets, assetIds[i]), at, oldest);
                }
            }

            combinations.Add(keysPooled ? PooledRow(combinations, combinationKey) : Row(combinations, combinationKey), at, oldest);
        }

        /// <summary>A copy that stays true after the entry's lock is released.</summary>
        public ViewerFrequency Copy() => new()
        {
            CampaignImpressions = [.. campaign],
            Assets = assets.ToEntries(),
            Combinations = combinations.ToEntries(),
        };

        /// <summary>
        /// Merges stored impressions by combination (possibly written by another instance, possibly ones
        /// held here already) as a union of multisets at the stored precision, one second: merging the same
        /// bucket again changes nothing, and two instances' impressions both count. (Two impressions of one
        /// viewer on two instances in the same second count once.) The campaign's and each asset's lists
        /// are then rebuilt from the combinations, which hold every impression once.
        /// </summary>
        public void Absorb(IReadOnlyDictionary<string, long[]> stored, DateTimeOffset horizon)
        {
            var changed = false;
            foreach (var (key, seconds) in stored)
            {
                changed |= Union(combinations, Row(combinations, key), seconds, horizon);
            }

            if (changed)
            {
                Rebuild(horizon);
            }
        }

        /// <summary>The combinations' times as Unix seconds, without combinations whose times are all past the horizon (they are dropped here too).</summary>
        public Dictionary<string, long[]> ToStored(DateTimeOffset horizon)
        {
            Prune(horizon.UtcTicks);
            var stored = new Dictionary<string, long[]>(combinations.Count, StringComparer.Ordinal);
            for (var row = 0; row < combinations.Count; row++)
            {
                stored[combinations.KeyAt(row)] = combinations.ToUnixSeconds(row);
            }

            return stored;
        }

        /// <summary>The row of <paramref name="key"/> in <paramref name="rows"/>, added when there is none, under the pooled instance of the key.</summary>
        private int Row(KeyedImpressions rows, string key)
        {
            // By the key as it came first: a snapshot's asset ids are the pooled instances once a viewer has been
            // served them, and a decision's combination key is pooled (Decision.CombinationKey), so most lookups
            // need no hash of the key.
            var row = rows.IndexOf(key, byValue: false);
            if (row >= 0)
            {
                return row;
            }

            var pooled = PooledKeys.TryIntern(key, out var held);
            row = rows.IndexOf(held, byValue: unpooledKeys || !pooled);
            if (row >= 0)
            {
                return row;
            }

            unpooledKeys |= !pooled;
            return rows.Append(held);
        }

        /// <summary>
        /// <see cref="Row"/> for a key that is the pooled instance: every row held under a pooled key is held under that
        /// same instance, so a miss by reference means no row, unless a key was once held as it came (the pool was full).
        /// Saves hashing the key (a combination's is ~100 characters) and a lookup in the pool for each new row.
        /// </summary>
        private int PooledRow(KeyedImpressions rows, string pooledKey)
        {
            var row = rows.IndexOf(pooledKey, byValue: unpooledKeys);
            return row >= 0 ? row : rows.Append(pooledKey);
        }

        /// <summary>Drops the times before the horizon, and the assets and combinations left with none.</summary>
        private void Prune(long horizonTicks)
        {
            campaign.DropBefore(horizonTicks);
            assets.DropBefore(horizonTicks);
            combinations.DropBefore(horizonTicks);
        }

        /// <summary>The campaign's and each counted asset's lists from the combinations (asset ids joined by '|').</summary>
        private void Rebuild(DateTimeOffset horizon)
        {
            var all = new List<long>();
            var byAsset = new Dictionary<string, List<long>>(StringComparer.Ordinal);
            for (var row = 0; row < combinations.Count; row++)
            {
                combinations.CopyTicksTo(row, all);
                foreach (var assetId in combinations.KeyAt(row).Split('|'))
                {
                    if (!assetCapScope.Counts(assetId))
                    {
                        continue;
                    }

                    if (!byAsset.TryGetValue(assetId, out var ofAsset))
                    {
                        byAsset[assetId] = ofAsset = [];
                    }

                    combinations.CopyTicksTo(row, ofAsset);
                }
            }

            var oldest = horizon.UtcTicks;
            campaign.ReplaceWith(all, oldest);
            for (var row = 0; row < assets.Count; row++)
            {
                assets.ReplaceWith(row, byAsset.Remove(assets.KeyAt(row), out var times) ? times : [], oldest);
            }

            foreach (var (assetId, times) in byAsset)
            {
                assets.ReplaceWith(Row(assets, assetId), times, oldest);
            }

            Prune(oldest);
        }

        /// <summary>
        /// Adds to row <paramref name="row"/> of <paramref name="rows"/> the stored times it does not have yet
        /// (matched by Unix second, with multiplicity), after the horizon, keeping the latest
        /// <see cref="ImpressionTimes.MaxKept"/>; false when nothing is new.
        /// </summary>
        private static bool Union(KeyedImpressions rows, int row, long[] stored, DateTimeOffset horizon)
        {
            List<long>? added = null;
            var oldest = horizon.ToUnixTimeSeconds();
            var heldCount = rows.HeldAt(row);
            Span<bool> matched = stackalloc bool[ImpressionTimes.MaxKept]; // a held time matches one stored time at most
            matched = matched[..heldCount];
            foreach (var second in stored)
            {
                if (second < oldest)
                {
                    continue;
                }

                var match = -1;
                for (var i = 0; i < heldCount && match < 0; i++)
                {
                    if (!matched[i] && rows.TimeAt(row, i).ToUnixTimeSeconds() == second)
                    {
                        match = i;
                    }
                }

                if (match >= 0)
                {
                    matched[match] = true;
                }
                else
                {
                    (added ??= []).Add(DateTimeOffset.FromUnixTimeSeconds(second).UtcTicks);
                }
            }

            if (added is null)
            {
                return false;
            }

            rows.CopyTicksTo(row, added);
            rows.ReplaceWith(row, added, horizon.UtcTicks);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Viewer profiles took longer than {BudgetMs} ms to read ({Count} times so far); those decisions were contextual")]
    private static partial void LogProfileSlow(ILogger logger, double budgetMs, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A viewer profile could not be read; the viewer is served contextually until it can")]
    private static partial void LogProfileReadFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "The host stopped before the impressions of {Viewers} viewers were written; they are lost with this process")]
    private static partial void LogUnwrittenAtStop(ILogger logger, int viewers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing viewer frequency state failed; it is retried")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);
}
