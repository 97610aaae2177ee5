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
/// Per-viewer state on the hot path (docs/decisions/0008-serving-hot-path.md): profile facts and
/// recent impressions live in memory, keyed by pseudonymous viewer key. A miss costs one point read
/// of the viewer's profile within <see cref="ServingOptions.ProfileReadBudget"/>; served impressions are
/// counted in memory at once (so caps hold between two requests of the same viewer) and written
/// behind to the profile, patching only this campaign's frequency so concurrent opt-outs are kept.
/// </summary>
public sealed partial class ViewerStateCache(CosmosStores stores, TimeProvider time, IOptions<ServingOptions> options, ILogger<ViewerStateCache> logger) : BackgroundService, IViewerStateListener
{
    private static readonly TimeSpan FactsLifetime = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan FrequencyHorizon = TimeSpan.FromDays(30);
    // Due writes are started every 10 ms, so they reach Cosmos as a steady trickle: each write costs the
    // host a few hundred µs of CPU, and a second's worth started at once (a thousand or more with tens
    // of thousands of active viewers) queued decides behind it for tens of milliseconds.
    private static readonly TimeSpan FlushCheckInterval = TimeSpan.FromMilliseconds(10);
    private const int FlushParallelism = 4;
    private const int MaxImpressionsKept = 64;

    private readonly CosmosDocumentStore<ProfileDocument> profiles = stores.For<ProfileDocument>(CosmosContainers.Profiles, p => p.Id, p => p.UserKey);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    // Pending profile writes: "{userKey}\n{campaignId}" → when it is due to be written (UTC ticks).
    private readonly ConcurrentDictionary<string, long> dirty = new(StringComparer.Ordinal);
    // The same keys by due time, so a tick takes what is due without scanning every pending viewer.
    private readonly PriorityQueue<string, long> schedule = new();
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

    private async Task<ViewerFacts> LoadAsync(string userKey)
    {
        try
        {
            using var timeout = new CancellationTokenSource(BackgroundReadTimeout);
            var profile = (await profiles.ReadAsync(userKey, userKey, timeout.Token))?.Value;
            var facts = profile is null ? ViewerFacts.New : ViewerFacts.Of(profile);
            var now = time.GetUtcNow();
            var fresh = entries.AddOrUpdate(userKey, _ => Entry.From(profile, facts, now), (_, old) => old.WithFacts(facts, now));
            fresh.LastUsed = now;
            fresh.ProfileExists = profile is not null;
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

    /// <summary>The viewer's recent impressions in one campaign (memory only: call after <see cref="GetFactsAsync"/>).</summary>
    public ViewerFrequency FrequencyOf(string userKey, string campaignId)
    {
        if (!entries.TryGetValue(userKey, out var entry))
        {
            return ViewerFrequency.Empty;
        }

        lock (entry)
        {
            return entry.Frequency.TryGetValue(campaignId, out var frequency) ? frequency.ToViewerFrequency() : ViewerFrequency.Empty;
        }
    }

    /// <summary>Counts a served creative for the viewer's frequency caps and schedules the profile write.</summary>
    public void RecordServed(string userKey, string campaignId, IReadOnlyList<string> assetIds, string combinationKey)
    {
        var now = time.GetUtcNow();
        var entry = entries.GetOrAdd(userKey, _ => Entry.From(null, ViewerFacts.New, DateTimeOffset.MinValue));
        lock (entry)
        {
            if (!entry.Frequency.TryGetValue(campaignId, out var frequency))
            {
                frequency = new CampaignFrequency();
                entry.Frequency[campaignId] = frequency;
            }

            frequency.Record(now, assetIds, combinationKey, now - FrequencyHorizon);
        }

        Schedule(userKey + "\n" + campaignId, DueAfter(now));
    }

    private void Schedule(string key, long due)
    {
        if (dirty.TryAdd(key, due))
        {
            lock (scheduleLock)
            {
                schedule.Enqueue(key, due);
            }
        }
    }

    /// <summary>
    /// When a change made at <paramref name="changedAt"/> is written: at a random point in the last quarter
    /// of the flush interval, so a change is never older than the interval when written, and viewers who
    /// arrive together (a restart, a traffic spike, a load test) are not all written in the same second
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
        foreach (var key in dirty.Keys.Where(k => k.StartsWith(userKey + "\n", StringComparison.Ordinal)))
        {
            dirty.TryRemove(key, out _);
        }
    }

    /// <summary>Writes every pending frequency change to the profiles (also called on shutdown).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => FlushAsync(long.MaxValue, cancellationToken);

    /// <summary>Writes the changes that are due (<see cref="DueAfter"/>).</summary>
    private Task FlushDueAsync(CancellationToken cancellationToken) => FlushAsync(time.GetUtcNow().UtcTicks, cancellationToken);

    private async Task FlushAsync(long dueBy, CancellationToken cancellationToken)
    {
        List<string>? keys = null;
        lock (scheduleLock)
        {
            while (schedule.TryPeek(out _, out var due) && due <= dueBy)
            {
                (keys ??= []).Add(schedule.Dequeue());
            }
        }

        if (keys is null)
        {
            return;
        }

        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = FlushParallelism, CancellationToken = cancellationToken }, async (key, token) =>
        {
            if (!dirty.TryRemove(key, out _))
            {
                return;
            }

            var separator = key.IndexOf('\n', StringComparison.Ordinal);
            var userKey = key[..separator];
            var campaignId = key[(separator + 1)..];
            if (!entries.TryGetValue(userKey, out var entry))
            {
                return; // forgotten meanwhile
            }

            CampaignFrequencyDocument document;
            lock (entry)
            {
                document = entry.Frequency[campaignId].ToDocument();
            }

            try
            {
                await WriteAsync(userKey, campaignId, entry, document, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Schedule(key, DueAfter(time.GetUtcNow())); // retried within an interval
                LogFlushFailed(logger, ex);
            }
        });
    }

    /// <summary>
    /// Patches the campaign's frequency into the profile, or creates the profile when it is missing: at
    /// once when the viewer's read found none (a new viewer costs one write, not a failed patch and a
    /// create), else when the patch finds none. The write answers with the whole profile, which
    /// refreshes the viewer's facts: a viewer served often needs no separate re-read.
    /// </summary>
    private async Task WriteAsync(string userKey, string campaignId, Entry entry, CampaignFrequencyDocument frequency, CancellationToken token)
    {
        var patch = new DocumentPatch().Set($"/frequency/{campaignId}", frequency);
        var written = entry.ProfileExists == false
            ? new WriteResult<ProfileDocument>(WriteStatus.NotFound, null)
            : await profiles.PatchAsync(userKey, userKey, patch, cancellationToken: token);
        if (written.Status == WriteStatus.NotFound)
        {
            written = await profiles.CreateAsync(
                new ProfileDocument
                {
                    Id = userKey,
                    UserKey = userKey,
                    Frequency = new Dictionary<string, CampaignFrequencyDocument> { [campaignId] = frequency },
                    TimeToLive = (int)FrequencyHorizon.TotalSeconds * 3,
                },
                token);
            if (written.Status == WriteStatus.AlreadyExists)
            {
                written = await profiles.PatchAsync(userKey, userKey, patch, cancellationToken: token);
            }
        }

        if (written.Document?.Value is { } profile)
        {
            entry.WithFacts(ViewerFacts.Of(profile), time.GetUtcNow()).ProfileExists = true;
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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private void TrimIfNeeded()
    {
        var limit = options.Value.ViewerCacheSize;
        if (entries.Count <= limit)
        {
            return;
        }

        // Drop the least recently used tenth; their profiles keep what was flushed.
        foreach (var (key, _) in entries.OrderBy(e => e.Value.LastUsed).Take(Math.Max(1, limit / 10)).ToList())
        {
            if (!dirty.Keys.Any(k => k.StartsWith(key + "\n", StringComparison.Ordinal)))
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class Entry
    {
        public ViewerFacts Facts { get; private set; } = ViewerFacts.New;

        public DateTimeOffset FactsReadAt { get; private set; }

        public DateTimeOffset LastUsed { get; set; }

        /// <summary>Whether the viewer's profile document exists, as last seen (null: not known).</summary>
        public bool? ProfileExists { get; set; }

        public Dictionary<string, CampaignFrequency> Frequency { get; } = new(StringComparer.Ordinal);

        public static Entry From(ProfileDocument? profile, ViewerFacts facts, DateTimeOffset readAt)
        {
            var entry = new Entry { Facts = facts, FactsReadAt = readAt };
            if (profile is not null)
            {
                foreach (var (campaignId, document) in profile.Frequency)
                {
                    entry.Frequency[campaignId] = CampaignFrequency.From(document);
                }
            }

            return entry;
        }

        public Entry WithFacts(ViewerFacts facts, DateTimeOffset readAt)
        {
            Facts = facts;
            FactsReadAt = readAt;
            return this;
        }
    }

    /// <summary>
    /// One viewer's impressions in one campaign. Lists are immutable arrays replaced on each record, and the
    /// engine's <see cref="ViewerFrequency"/> is built once per change: a decide reads it without copying.
    /// Callers hold the entry's lock.
    /// </summary>
    private sealed class CampaignFrequency
    {
        private readonly Dictionary<string, FrequencyEntry> assets = new(StringComparer.Ordinal);
        private readonly Dictionary<string, FrequencyEntry> combinations = new(StringComparer.Ordinal);
        private DateTimeOffset[] campaign = [];
        private ViewerFrequency? view;

        public static CampaignFrequency From(CampaignFrequencyDocument document)
        {
            var frequency = new CampaignFrequency { campaign = [.. document.Campaign] };
            foreach (var (key, times) in document.Assets)
            {
                frequency.assets[key] = new FrequencyEntry(key, [.. times]);
            }

            foreach (var (key, times) in document.Combinations)
            {
                frequency.combinations[key] = new FrequencyEntry(key, [.. times]);
            }

            return frequency;
        }

        public void Record(DateTimeOffset now, IReadOnlyList<string> assetIds, string combinationKey, DateTimeOffset horizon)
        {
            campaign = Appended(campaign, now, horizon);
            foreach (var assetId in assetIds)
            {
                Append(assets, assetId, now, horizon);
            }

            Append(combinations, combinationKey, now, horizon);
            view = null;
        }

        public ViewerFrequency ToViewerFrequency() => view ??= new ViewerFrequency
        {
            CampaignImpressions = campaign,
            Assets = [.. assets.Values],
            Combinations = [.. combinations.Values],
        };

        public CampaignFrequencyDocument ToDocument() => new()
        {
            Campaign = campaign,
            Assets = assets.ToDictionary(a => a.Key, a => a.Value.Impressions, StringComparer.Ordinal),
            Combinations = combinations.ToDictionary(c => c.Key, c => c.Value.Impressions, StringComparer.Ordinal),
        };

        private static void Append(Dictionary<string, FrequencyEntry> map, string key, DateTimeOffset now, DateTimeOffset horizon) =>
            map[key] = new FrequencyEntry(key, Appended(map.TryGetValue(key, out var entry) ? entry.Impressions : [], now, horizon));

        /// <summary>The times after the horizon, the latest <see cref="MaxImpressionsKept"/> - 1 of them, then <paramref name="now"/>.</summary>
        private static DateTimeOffset[] Appended(IReadOnlyList<DateTimeOffset> times, DateTimeOffset now, DateTimeOffset horizon)
        {
            var kept = 0;
            for (var i = 0; i < times.Count; i++)
            {
                kept += times[i] >= horizon ? 1 : 0;
            }

            var skip = Math.Max(0, kept - (MaxImpressionsKept - 1));
            var result = new DateTimeOffset[kept - skip + 1];
            var n = 0;
            for (var i = 0; i < times.Count; i++)
            {
                if (times[i] >= horizon && skip-- <= 0)
                {
                    result[n++] = times[i];
                }
            }

            result[n] = now;
            return result;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Viewer profiles took longer than {BudgetMs} ms to read ({Count} times so far); those decisions were contextual")]
    private static partial void LogProfileSlow(ILogger logger, double budgetMs, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A viewer profile could not be read; the viewer is served contextually until it can")]
    private static partial void LogProfileReadFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing viewer frequency state failed; it is retried")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);
}
