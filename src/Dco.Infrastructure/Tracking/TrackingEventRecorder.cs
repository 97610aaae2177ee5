using System.Text.Json;
using Azure.Storage.Queues;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tracking;

/// <summary>What recording an event did.</summary>
public enum RecordOutcome
{
    /// <summary>New and billable: stored and enqueued for learning.</summary>
    Recorded,

    /// <summary>New but not billable: stored with its reason, not enqueued.</summary>
    RecordedNonBillable,

    /// <summary>The same event was recorded before: nothing changed.</summary>
    Duplicate,
}

/// <summary>
/// Stores a tracking event under its deterministic id and enqueues it for learning. Create-if-absent makes
/// repeats free; the <see cref="TrackingEventDocument.Enqueued"/> flag, set after the enqueue, makes a retry
/// after a crash between the two steps enqueue again instead of losing the event (learning is idempotent).
/// Every event is stored with the TTL of <see cref="TrackingOptions.EventRetention"/>.
/// </summary>
public sealed class TrackingEventRecorder(CosmosStores stores, QueueServiceClient queues, IOptions<TrackingOptions> options)
{
    private readonly CosmosDocumentStore<TrackingEventDocument> events =
        stores.For<TrackingEventDocument>(CosmosContainers.Events, e => e.Id, e => e.CampaignId);

    private readonly QueueClient queue = queues.GetQueueClient(StorageNames.EventsQueue);

    public CosmosDocumentStore<TrackingEventDocument> Store => events;

    public async Task<RecordOutcome> RecordAsync(TrackingEventDocument trackingEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trackingEvent);
        trackingEvent = trackingEvent with { TimeToLive = (int)options.Value.EventRetention.TotalSeconds };
        var created = await events.CreateAsync(trackingEvent with { Enqueued = false }, cancellationToken);
        if (created.Status == WriteStatus.AlreadyExists)
        {
            var existing = await events.ReadAsync(trackingEvent.Id, trackingEvent.CampaignId, cancellationToken);
            if (existing is null)
            {
                return RecordOutcome.Duplicate;
            }

            if (!existing.Value.Billable && trackingEvent.Billable)
            {
                // A prefetch or preview came first, then the real view or click: the real one is the event.
                var upgraded = await events.ReplaceAsync(trackingEvent with { Enqueued = false }, existing.ETag, cancellationToken);
                if (!upgraded.Succeeded)
                {
                    return RecordOutcome.Duplicate;
                }

                await EnqueueAsync(trackingEvent, cancellationToken);
                return RecordOutcome.Recorded;
            }

            if (existing.Value.Enqueued || !existing.Value.Billable)
            {
                return RecordOutcome.Duplicate;
            }

            await EnqueueAsync(existing.Value, cancellationToken);
            return RecordOutcome.Duplicate;
        }

        if (!trackingEvent.Billable)
        {
            return RecordOutcome.RecordedNonBillable;
        }

        await EnqueueAsync(trackingEvent, cancellationToken);
        return RecordOutcome.Recorded;
    }

    private async Task EnqueueAsync(TrackingEventDocument trackingEvent, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(LearningEventMessage.From(trackingEvent), TrackingJsonContext.Default.LearningEventMessage);
        await queue.SendMessageAsync(body, cancellationToken);
        await events.PatchAsync(trackingEvent.Id, trackingEvent.CampaignId, new DocumentPatch().Set("/enqueued", true), cancellationToken: cancellationToken);
    }
}
