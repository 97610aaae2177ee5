using System.Collections.Concurrent;
using System.Threading.Channels;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Privacy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Serving.Decisions;

/// <summary>
/// Writes decision records off the hot path, a page at a time (docs/decisions/0010-decision-pages.md).
/// <c>decide</c> reserves a slot in its campaign's open page (which gives it its decision id), fills
/// it and answers; a page is sealed when it is full or <see cref="MaxPageAge"/> old and written as one
/// document with its TTL. Until then <see cref="TryGetUnwritten"/> finds its decisions in memory.
/// Pages waiting to be written are bounded: when Cosmos falls behind, decide waits for room rather
/// than dropping records that learning and OPE need. Open pages are sealed and written at shutdown.
/// A record of a viewer who opts out or is deleted before its page is written is written without
/// the viewer's key (learning keeps it; nothing links it to them).
/// </summary>
public sealed partial class DecisionLogWriter : BackgroundService, IViewerStateListener
{
    /// <summary>Decisions per page: ~180 bytes each as stored with their viewer keys (<see cref="DecisionPageFormat"/>), far below Cosmos's 2 MB document limit.</summary>
    public const int PageCapacity = 128;

    /// <summary>How long a page collects decisions before it is written.</summary>
    public static readonly TimeSpan MaxPageAge = TimeSpan.FromMilliseconds(250);

    private const int MaxUnwrittenPages = 400; // ~51,000 decisions
    private const int Writers = 4;
    private static readonly TimeSpan ForgetFor = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan AbandonedSlotGrace = TimeSpan.FromSeconds(5);

    private readonly CosmosDocumentStore<DecisionPageDocument> pages;
    private readonly TimeProvider time;
    private readonly IOptions<ServingOptions> options;
    private readonly ILogger<DecisionLogWriter> logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, OpenPage> open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OpenPage> unwritten = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim room = new(MaxUnwrittenPages, MaxUnwrittenPages);
    private readonly Channel<OpenPage> sealedPages = Channel.CreateUnbounded<OpenPage>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, DateTimeOffset> forgotten = new(StringComparer.Ordinal);
    private Task? drainers;

    public DecisionLogWriter(CosmosStores stores, TimeProvider time, IOptions<ServingOptions> options, ILogger<DecisionLogWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(stores);
        pages = DecisionPageStore(stores);
        this.time = time;
        this.options = options;
        this.logger = logger;
    }

    public static CosmosDocumentStore<DecisionPageDocument> DecisionPageStore(CosmosStores stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        return stores.For<DecisionPageDocument>(CosmosContainers.Decisions, p => p.Id, p => p.CampaignId);
    }

    /// <summary>
    /// A slot for one decision of the campaign; its <see cref="DecisionSlot.DecisionId"/> is the decision's
    /// id. Completes at once unless too many pages wait to be written. Every slot must be
    /// <see cref="Commit">committed</see>, with the record or with null when the decision was abandoned.
    /// </summary>
    public ValueTask<DecisionSlot> ReserveAsync(string campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        lock (gate)
        {
            if (open.TryGetValue(campaignId, out var page) && page.TryReserve(out var index))
            {
                return ValueTask.FromResult(new DecisionSlot(page, index));
            }

            if (room.Wait(0, CancellationToken.None))
            {
                return ValueTask.FromResult(OpenAndReserve(campaignId));
            }
        }

        return ReserveSlowAsync(campaignId, cancellationToken);
    }

    private async ValueTask<DecisionSlot> ReserveSlowAsync(string campaignId, CancellationToken cancellationToken)
    {
        await room.WaitAsync(cancellationToken);
        lock (gate)
        {
            if (open.TryGetValue(campaignId, out var page) && page.TryReserve(out var index))
            {
                room.Release(); // another request opened a page meanwhile
                return new DecisionSlot(page, index);
            }

            return OpenAndReserve(campaignId);
        }
    }

    // Under the gate, holding one unit of room.
    private DecisionSlot OpenAndReserve(string campaignId)
    {
        if (open.Remove(campaignId, out var full))
        {
            Seal(full);
        }

        var now = time.GetUtcNow();
        var page = new OpenPage(Guid.CreateVersion7(now).ToString("N"), campaignId, now);
        open[campaignId] = page;
        unwritten[page.Id] = page;
        page.TryReserve(out var index);
        return new DecisionSlot(page, index);
    }

    /// <summary>Fills a reserved slot (null: the decision was abandoned and is not written).</summary>
#pragma warning disable CA1822 // An instance method: callers commit to the writer they reserved from.
    public void Commit(DecisionSlot slot, DecisionDocument? document) => slot.Page.Fill(slot.Index, document);
#pragma warning restore CA1822

    /// <summary>A decision whose page is not written yet (same instance only), or null.</summary>
    public DecisionDocument? TryGetUnwritten(string pageId, int index) =>
        unwritten.TryGetValue(pageId, out var page) ? Anonymized(page.Get(index)) : null;

    public void Forget(string userKey)
    {
        var now = time.GetUtcNow();
        forgotten[userKey] = now;
        foreach (var (key, at) in forgotten)
        {
            if (at + ForgetFor < now)
            {
                forgotten.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Starts the page writers (they run until <see cref="StopAsync"/> has written everything) and the ageing loop.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        drainers ??= Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(DrainAsync, CancellationToken.None)));
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => SealAgedAsync(stoppingToken);

    /// <summary>
    /// Seals the open pages and waits until every sealed page is written. When the host stops waiting first (its
    /// shutdown timeout, e.g. with the store unreachable), what is still unwritten is logged as lost with this
    /// process, and the host's stop goes on rather than failing with the cancellation.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            foreach (var page in open.Values)
            {
                Seal(page);
            }

            open.Clear();
            sealedPages.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken);
        if (drainers is not null)
        {
            try
            {
                await drainers.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // A page stays listed until its write ends; none listed means the writers were only finishing up.
                var left = unwritten.Values.ToList();
                if (left.Count > 0)
                {
                    LogUnwrittenAtStop(logger, left.Count, left.Sum(page => page.Committed));
                }
            }
        }
    }

    /// <summary>Seals every open page older than <see cref="MaxPageAge"/>.</summary>
    private async Task SealAgedAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(MaxPageAge / 5, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                lock (gate)
                {
                    foreach (var (campaignId, page) in open)
                    {
                        if (page.OpenedAt + MaxPageAge <= now)
                        {
                            open.Remove(campaignId);
                            Seal(page);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: StopAsync seals what is open
        }
    }

    // Under the gate: no more reservations on this page.
    private void Seal(OpenPage page)
    {
        page.Seal();
        if (!sealedPages.Writer.TryWrite(page))
        {
            // Only after StopAsync completed the channel: write it directly.
            _ = WriteAsync(page);
        }
    }

    private async Task DrainAsync()
    {
        // Not cancelled by the stopping token: the channel completes at stop and what is left is written.
        await foreach (var page in sealedPages.Reader.ReadAllAsync())
        {
            await WriteAsync(page);
        }
    }

    private async Task WriteAsync(OpenPage page)
    {
        try
        {
            try
            {
                await page.Filled.WaitAsync(AbandonedSlotGrace, time);
            }
            catch (TimeoutException)
            {
                LogSlotsAbandoned(logger, page.Id, page.CampaignId);
            }

            var decisions = page.Documents().Select(Anonymized).OfType<DecisionDocument>().ToList();
            if (decisions.Count == 0)
            {
                return;
            }

            var document = new DecisionPageDocument
            {
                Id = page.Id,
                CampaignId = page.CampaignId,
                UserKeys = [.. decisions.Select(d => d.UserKey).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal)],
                Decisions = decisions,
                TimeToLive = (int)options.Value.DecisionRetention.TotalSeconds,
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await pages.UpsertWithoutContentAsync(document);
                    break;
                }
                catch (Exception ex) when (attempt < 5 && ex is not OperationCanceledException)
                {
                    LogRetry(logger, ex, page.Id, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), time);
                }
#pragma warning disable CA1031 // After retries a page is reported and dropped; the writer must keep going.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogLost(logger, ex, page.Id, page.CampaignId, decisions.Count);
                    break;
                }
            }
        }
        finally
        {
            unwritten.TryRemove(page.Id, out _);
            room.Release();
        }
    }

    private DecisionDocument? Anonymized(DecisionDocument? document) =>
        document is { UserKey.Length: > 0 } && forgotten.ContainsKey(document.UserKey) ? document with { UserKey = "" } : document;

    public override void Dispose()
    {
        room.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing decision page {PageId} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception ex, string pageId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decision page {PageId} of campaign {CampaignId} ({Count} decisions) could not be written after retries")]
    private static partial void LogLost(ILogger logger, Exception ex, string pageId, string campaignId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The host stopped before {Pages} decision pages ({Decisions} decisions) were written; they are lost with this process")]
    private static partial void LogUnwrittenAtStop(ILogger logger, int pages, int decisions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decision page {PageId} of campaign {CampaignId} is written without slots that were reserved but never committed")]
    private static partial void LogSlotsAbandoned(ILogger logger, string pageId, string campaignId);

    /// <summary>A campaign's page of decisions being collected in memory.</summary>
    internal sealed class OpenPage(string id, string campaignId, DateTimeOffset openedAt)
    {
        private readonly DecisionDocument?[] slots = new DecisionDocument?[PageCapacity];
        private readonly TaskCompletionSource filled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int reserved;
        private int committed;
        private int isSealed;

        public string Id { get; } = id;

        public string CampaignId { get; } = campaignId;

        public DateTimeOffset OpenedAt { get; } = openedAt;

        /// <summary>Completes once the page is sealed and every reserved slot is committed.</summary>
        public Task Filled => filled.Task;

        /// <summary>How many of its slots are committed so far.</summary>
        public int Committed => Volatile.Read(ref committed);

        // Under the writer's gate.
        public bool TryReserve(out int index)
        {
            index = reserved;
            if (reserved == PageCapacity || isSealed != 0)
            {
                return false;
            }

            reserved++;
            return true;
        }

        // Under the writer's gate: reserved is final from here on.
        public void Seal()
        {
            Interlocked.Exchange(ref isSealed, 1);
            if (Volatile.Read(ref committed) == reserved)
            {
                filled.TrySetResult();
            }
        }

        public void Fill(int index, DecisionDocument? document)
        {
            Volatile.Write(ref slots[index], document);
            // Sealed first, then reserved: once sealed, reserved no longer changes.
            var count = Interlocked.Increment(ref committed);
            if (Volatile.Read(ref isSealed) != 0 && count == Volatile.Read(ref reserved))
            {
                filled.TrySetResult();
            }
        }

        public DecisionDocument? Get(int index) => (uint)index < PageCapacity ? Volatile.Read(ref slots[index]) : null;

        public IEnumerable<DecisionDocument?> Documents() => slots.Take(Volatile.Read(ref reserved));
    }
}

/// <summary>A reserved place for one decision in a page; <see cref="DecisionId"/> is the decision's id.</summary>
public readonly struct DecisionSlot : IEquatable<DecisionSlot>
{
    internal DecisionSlot(DecisionLogWriter.OpenPage page, int index)
    {
        Page = page;
        Index = index;
        DecisionId = DecisionIds.Format(page.Id, index);
    }

    internal DecisionLogWriter.OpenPage Page { get; }

    internal int Index { get; }

    public string DecisionId { get; }

    public bool Equals(DecisionSlot other) => string.Equals(DecisionId, other.DecisionId, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is DecisionSlot other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(DecisionId ?? "");

    public static bool operator ==(DecisionSlot left, DecisionSlot right) => left.Equals(right);

    public static bool operator !=(DecisionSlot left, DecisionSlot right) => !left.Equals(right);
}
