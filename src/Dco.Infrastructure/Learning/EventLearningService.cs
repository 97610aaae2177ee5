using System.Collections.Concurrent;
using System.Text.Json;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.Logging;

namespace Dco.Infrastructure.Learning;

/// <summary>What applying one event did.</summary>
public enum LearningOutcome
{
    /// <summary>Counted and learned from.</summary>
    Applied,

    /// <summary>Counted, not learned from (the decision served the default creative).</summary>
    CountedOnly,

    /// <summary>Already counted: nothing changed.</summary>
    Duplicate,

    /// <summary>Older than the learner's deduplication window: refused, nothing changed.</summary>
    TooOld,

    /// <summary>The decision and the event were deleted (privacy request) before the message was processed.</summary>
    Forgotten,
}

/// <summary>
/// Applies <c>events</c> messages to the campaign's learner and counters in its <see cref="ModelStateDocument"/>,
/// with one conditional write (If-Match, retried on 412) per group of messages: events for the same campaign
/// arriving together in this process are committed together (fewer writes, no self-inflicted conflicts),
/// and writers in other processes are reconciled by the ETag. A duplicate changes nothing; order does not matter.
/// </summary>
public sealed partial class EventLearningService(
    CosmosStores stores,
    DecisionRecords decisions,
    IModelChangeNotifier notifier,
    TimeProvider time,
    ILogger<EventLearningService> logger)
{
    private const int MaxWriteAttempts = 12;

    private readonly CosmosDocumentStore<CampaignDocument> campaigns = stores.For<CampaignDocument>(CosmosContainers.Campaigns, c => c.Id, c => c.Id);
    private readonly CosmosDocumentStore<TrackingEventDocument> events = stores.For<TrackingEventDocument>(CosmosContainers.Events, e => e.Id, e => e.CampaignId);
    private readonly CosmosDocumentStore<ModelStateDocument> models = stores.For<ModelStateDocument>(CosmosContainers.Stats, m => m.Id, m => m.CampaignId);
    private readonly ConcurrentDictionary<string, CampaignCommitQueue> queues = new(StringComparer.Ordinal);

    /// <summary>Parses an <c>events</c> queue message.</summary>
    /// <exception cref="UnprocessableEventException">The body is not a valid event message.</exception>
    public static LearningEventMessage Parse(string? body)
    {
        LearningEventMessage? message;
        try
        {
            message = string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize(body, TrackingJsonContext.Default.LearningEventMessage);
        }
        catch (JsonException ex)
        {
            throw new UnprocessableEventException($"Malformed events message: {ex.Message}", ex);
        }

        if (message is null || string.IsNullOrEmpty(message.EventId) || string.IsNullOrEmpty(message.CampaignId)
            || string.IsNullOrEmpty(message.DecisionId) || !Enum.IsDefined(message.Kind) || !double.IsFinite(message.Value))
        {
            throw new UnprocessableEventException("Malformed events message: eventId, campaignId, decisionId and a known kind are required.");
        }

        return message;
    }

    public async Task<LearningOutcome> ApplyAsync(LearningEventMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var decision = await decisions.FindAsync(message.DecisionId, message.CampaignId, cancellationToken);
        if (decision is null)
        {
            if (await events.ReadAsync(message.EventId, message.CampaignId, cancellationToken) is null)
            {
                // Neither the decision nor the event is stored: a privacy deletion removed both. Nothing to learn.
                return LearningOutcome.Forgotten;
            }

            throw new UnknownDecisionException(
                $"Decision {message.DecisionId} of campaign {message.CampaignId} is not stored (not written yet, or past its TTL); event {message.EventId} cannot be learned.");
        }

        var pending = new PendingEvent(message, decision.Record);
        var queue = queues.GetOrAdd(message.CampaignId, id => new CampaignCommitQueue(id));
        if (queue.Enqueue(pending))
        {
            _ = Task.Run(() => DrainAsync(queue), CancellationToken.None);
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(CampaignCommitQueue queue)
    {
        while (queue.TakeBatch() is { Count: > 0 } batch)
        {
            try
            {
                var results = await CommitAsync(queue.CampaignId, batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (results[i].Failure is { } failure)
                    {
                        batch[i].Completion.TrySetException(failure);
                    }
                    else
                    {
                        batch[i].Completion.TrySetResult(results[i].Outcome);
                    }
                }
            }
#pragma warning disable CA1031 // Every waiter gets the failure; its queue message is retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    private async Task<ItemResult[]> CommitAsync(string campaignId, List<PendingEvent> batch)
    {
        var campaign = await campaigns.ReadAsync(campaignId, campaignId, CancellationToken.None)
            ?? throw new UnprocessableEventException($"Campaign {campaignId} is not stored: its events cannot be learned.");
        var definition = campaign.Value.Definition;

        for (var attempt = 1; ; attempt++)
        {
            var stored = await models.ReadAsync(ModelStateDocument.DocumentId, campaignId, CancellationToken.None);
            var learner = stored is null ? new CampaignLearner(definition) : CampaignLearner.Import(definition, stored.Value.State);
            var counters = new CampaignCounters(stored?.Value.Counters);
            var outcomes = new ItemResult[batch.Count];
            var changed = false;
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    outcomes[i] = new ItemResult(Apply(learner, counters, batch[i]), null);
                }
                catch (UnprocessableEventException ex)
                {
                    // Only this event fails (and is retried, then poisoned); the others of the group commit.
                    outcomes[i] = new ItemResult(LearningOutcome.Duplicate, ex);
                }

                changed |= outcomes[i] is { Failure: null, Outcome: LearningOutcome.Applied or LearningOutcome.CountedOnly };
            }

            if (!changed)
            {
                return outcomes;
            }

            var document = new ModelStateDocument
            {
                CampaignId = campaignId,
                State = learner.Export(),
                Counters = counters.ToDocument(),
                UpdatedAt = time.GetUtcNow(),
            };
            var write = stored is null
                ? await models.CreateAsync(document, CancellationToken.None)
                : await models.ReplaceAsync(document, stored.ETag, CancellationToken.None);
            if (write.Succeeded)
            {
                notifier.ModelChanged(campaignId);
                return outcomes;
            }

            if (attempt >= MaxWriteAttempts)
            {
                throw new ModelUpdateConflictException($"The model of campaign {campaignId} changed concurrently {attempt} times in a row; the events will be retried.");
            }

            LogConflict(logger, campaignId, attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), CancellationToken.None);
        }
    }

    private static LearningOutcome Apply(CampaignLearner learner, CampaignCounters counters, PendingEvent pending)
    {
        var message = pending.Message;
        if (counters.HasCounted(message.EventId))
        {
            return LearningOutcome.Duplicate;
        }

        FeedbackOutcome outcome;
        try
        {
            outcome = learner.Apply(pending.Decision, new FeedbackEvent(message.EventId, message.DecisionId, message.Kind, message.OccurredAt, message.Value));
        }
        catch (ArgumentException ex)
        {
            throw new UnprocessableEventException($"Event {message.EventId} does not fit its decision or campaign: {ex.Message}", ex);
        }

        switch (outcome)
        {
            case FeedbackOutcome.Applied:
                counters.Count(message, pending.Decision);
                return LearningOutcome.Applied;
            case FeedbackOutcome.NotLearnable:
                counters.Count(message, pending.Decision);
                return LearningOutcome.CountedOnly;
            case FeedbackOutcome.Duplicate:
                return LearningOutcome.Duplicate;
            default:
                return LearningOutcome.TooOld;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model of campaign {CampaignId} changed concurrently (attempt {Attempt}); re-reading")]
    private static partial void LogConflict(ILogger logger, string campaignId, int attempt);

    private readonly record struct ItemResult(LearningOutcome Outcome, Exception? Failure);

    private sealed record PendingEvent(LearningEventMessage Message, DecisionRecord Decision)
    {
        public TaskCompletionSource<LearningOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Events of one campaign waiting for the next commit; at most one drainer at a time.</summary>
    private sealed class CampaignCommitQueue(string campaignId)
    {
        private const int MaxBatch = 64;
        private readonly Lock gate = new();
        private readonly List<PendingEvent> pending = [];
        private bool draining;

        public string CampaignId { get; } = campaignId;

        /// <summary>Adds the event; true when the caller must start draining.</summary>
        public bool Enqueue(PendingEvent item)
        {
            lock (gate)
            {
                pending.Add(item);
                if (draining)
                {
                    return false;
                }

                draining = true;
                return true;
            }
        }

        /// <summary>The next batch, or an empty one (and draining stops) when nothing waits.</summary>
        public List<PendingEvent> TakeBatch()
        {
            lock (gate)
            {
                var count = Math.Min(pending.Count, MaxBatch);
                var batch = pending.GetRange(0, count);
                pending.RemoveRange(0, count);
                if (count == 0)
                {
                    draining = false;
                }

                return batch;
            }
        }
    }
}
