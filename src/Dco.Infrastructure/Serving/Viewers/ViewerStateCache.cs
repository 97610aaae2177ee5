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
    private const int MaxImpressionsKept = 64;

    private readonly CosmosDocumentStore<ProfileDocument> profiles = stores.For<ProfileDocument>(CosmosContainers.Profiles, p => p.Id, p => p.UserKey);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> dirty = new(StringComparer.Ordinal);
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
            if (entry.FactsReadAt + FactsLifetime <= now)
            {
                _ = Read(userKey);
            }

            return entry.Facts;
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
            var facts = profile is null ? ViewerFacts.New : new ViewerFacts(true, profile.OptedOut, profile.Segments);
            var now = time.GetUtcNow();
            var fresh = entries.AddOrUpdate(userKey, _ => Entry.From(profile, facts, now), (_, old) => old.WithFacts(facts, now));
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

        dirty[userKey + "\n" + campaignId] = 0;
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

    /// <summary>Writes pending frequency changes to the profiles (also called on shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var keys = dirty.Keys.ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (key, token) =>
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
                await WriteAsync(userKey, campaignId, document, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                dirty.TryAdd(key, 0); // retried at the next flush
                LogFlushFailed(logger, ex);
            }
        });
    }

    private async Task WriteAsync(string userKey, string campaignId, CampaignFrequencyDocument frequency, CancellationToken token)
    {
        var patched = await profiles.PatchAsync(userKey, userKey, new DocumentPatch().Set($"/frequency/{campaignId}", frequency), cancellationToken: token);
        if (patched.Status != WriteStatus.NotFound)
        {
            return;
        }

        var created = await profiles.CreateAsync(
            new ProfileDocument
            {
                Id = userKey,
                UserKey = userKey,
                Frequency = new Dictionary<string, CampaignFrequencyDocument> { [campaignId] = frequency },
                TimeToLive = (int)FrequencyHorizon.TotalSeconds * 3,
            },
            token);
        if (created.Status == WriteStatus.AlreadyExists)
        {
            await profiles.PatchAsync(userKey, userKey, new DocumentPatch().Set($"/frequency/{campaignId}", frequency), cancellationToken: token);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ViewerFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
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

    private sealed class CampaignFrequency
    {
        private readonly List<DateTimeOffset> campaign = [];
        private readonly Dictionary<string, List<DateTimeOffset>> assets = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<DateTimeOffset>> combinations = new(StringComparer.Ordinal);

        public static CampaignFrequency From(CampaignFrequencyDocument document)
        {
            var frequency = new CampaignFrequency();
            frequency.campaign.AddRange(document.Campaign);
            foreach (var (key, times) in document.Assets)
            {
                frequency.assets[key] = [.. times];
            }

            foreach (var (key, times) in document.Combinations)
            {
                frequency.combinations[key] = [.. times];
            }

            return frequency;
        }

        public void Record(DateTimeOffset now, IReadOnlyList<string> assetIds, string combinationKey, DateTimeOffset horizon)
        {
            Add(campaign, now, horizon);
            foreach (var assetId in assetIds)
            {
                Add(Get(assets, assetId), now, horizon);
            }

            Add(Get(combinations, combinationKey), now, horizon);
        }

        public ViewerFrequency ToViewerFrequency() => new()
        {
            CampaignImpressions = [.. campaign],
            Assets = [.. assets.Select(a => new FrequencyEntry(a.Key, [.. a.Value]))],
            Combinations = [.. combinations.Select(c => new FrequencyEntry(c.Key, [.. c.Value]))],
        };

        public CampaignFrequencyDocument ToDocument() => new()
        {
            Campaign = [.. campaign],
            Assets = assets.ToDictionary(a => a.Key, a => (IReadOnlyList<DateTimeOffset>)[.. a.Value], StringComparer.Ordinal),
            Combinations = combinations.ToDictionary(c => c.Key, c => (IReadOnlyList<DateTimeOffset>)[.. c.Value], StringComparer.Ordinal),
        };

        private static List<DateTimeOffset> Get(Dictionary<string, List<DateTimeOffset>> map, string key)
        {
            if (!map.TryGetValue(key, out var list))
            {
                list = [];
                map[key] = list;
            }

            return list;
        }

        private static void Add(List<DateTimeOffset> times, DateTimeOffset now, DateTimeOffset horizon)
        {
            times.RemoveAll(t => t < horizon);
            times.Add(now);
            if (times.Count > MaxImpressionsKept)
            {
                times.RemoveRange(0, times.Count - MaxImpressionsKept);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Viewer profiles took longer than {BudgetMs} ms to read ({Count} times so far); those decisions were contextual")]
    private static partial void LogProfileSlow(ILogger logger, double budgetMs, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A viewer profile could not be read; the viewer is served contextually until it can")]
    private static partial void LogProfileReadFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing viewer frequency state failed; it is retried")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);
}
