using System.Threading.Channels;
using System.Collections.Concurrent;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Privacy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dco.Infrastructure.Serving.Decisions;

/// <summary>
/// Writes decision records off the hot path: <c>decide</c> enqueues and answers; this writes them to
/// the <c>decisions</c> container in the background (with their TTL). The queue is bounded: when it is
/// full, decide waits for room rather than dropping a record that learning and OPE need. Records still
/// queued at shutdown are written before the host stops. A record still queued when its viewer opts
/// out or is deleted is written without the viewer's key (learning keeps it; nothing links it to them).
/// </summary>
public sealed partial class DecisionLogWriter(CosmosStores stores, TimeProvider time, ILogger<DecisionLogWriter> logger) : BackgroundService, IViewerStateListener
{
    private static readonly TimeSpan ForgetFor = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, DateTimeOffset> forgotten = new(StringComparer.Ordinal);

    private const int Capacity = 50_000;
    private const int Writers = 8;

    private readonly CosmosDocumentStore<DecisionDocument> decisions = stores.For<DecisionDocument>(CosmosContainers.Decisions, d => d.Id, d => d.CampaignId);
    private readonly Channel<DecisionDocument> queue = Channel.CreateBounded<DecisionDocument>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleWriter = false,
        SingleReader = false,
    });

    public CosmosDocumentStore<DecisionDocument> Store => decisions;

    /// <summary>Queues a record; completes at once unless the queue is full.</summary>
    public ValueTask EnqueueAsync(DecisionDocument document, CancellationToken cancellationToken) =>
        queue.Writer.TryWrite(document) ? ValueTask.CompletedTask : queue.Writer.WriteAsync(document, cancellationToken);

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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => DrainAsync()));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        // Not cancelled by the stopping token: the channel completes at stop and the rest is written.
        await foreach (var queued in queue.Reader.ReadAllAsync())
        {
            var document = queued.UserKey.Length > 0 && forgotten.ContainsKey(queued.UserKey) ? queued with { UserKey = "" } : queued;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await decisions.UpsertWithoutContentAsync(document);
                    break;
                }
                catch (Exception ex) when (attempt < 5 && ex is not OperationCanceledException)
                {
                    LogRetry(logger, ex, document.Id, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt));
                }
#pragma warning disable CA1031 // After retries a record is reported and dropped; the writer must keep going.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogLost(logger, ex, document.Id, document.CampaignId);
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing decision {DecisionId} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception ex, string decisionId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decision {DecisionId} of campaign {CampaignId} could not be written after retries")]
    private static partial void LogLost(ILogger logger, Exception ex, string decisionId, string campaignId);
}
