using Azure.Storage.Queues;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Tracking;
using Dco.Infrastructure.Storage;
using Dco.Infrastructure.Tracking;

namespace Dco.DevHost.Tests.Learning;

[Collection(LearningLoopCollection.Name)]
public sealed class PoisonEventTests(LearningLoopHost fixture)
{
    [SkippableFact]
    public async Task Unprocessable_messages_end_in_events_poison_and_later_messages_are_still_learned()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        var marker = Guid.NewGuid().ToString("N");
        var malformed = $"not json {{ {marker}";
        var unknownDecision = LearningLoopHost.MessageBody(new LearningEventMessage
        {
            EventId = EventIds.Impression("gone-" + marker),
            CampaignId = campaign.Id,
            DecisionId = "gone-" + marker,
            Kind = FeedbackKind.Impression,
            OccurredAt = DateTimeOffset.UtcNow,
        });
        // The event was recorded, but its decision record has expired meanwhile.
        await fixture.Events.UpsertAsync(new TrackingEventDocument
        {
            Id = EventIds.Impression("gone-" + marker),
            CampaignId = campaign.Id,
            DecisionId = "gone-" + marker,
            Kind = FeedbackKind.Impression,
            OccurredAt = DateTimeOffset.UtcNow,
            RecordedAt = DateTimeOffset.UtcNow,
            Enqueued = true,
        });
        await fixture.SendEventMessageAsync(malformed);
        await fixture.SendEventMessageAsync(unknownDecision);

        var decisionId = LearningLoopHost.NewDecisionId();
        await fixture.SeedDecisionAsync(campaign, decisionId);
        await fixture.SendEventMessageAsync(LearningLoopHost.MessageBody(new LearningEventMessage
        {
            EventId = EventIds.Impression(decisionId),
            CampaignId = campaign.Id,
            DecisionId = decisionId,
            Kind = FeedbackKind.Impression,
            OccurredAt = DateTimeOffset.UtcNow,
        }));

        var poisoned = await WaitForPoisonAsync(fixture.Queues.GetQueueClient(StorageNames.EventsQueue + "-poison"), [malformed, unknownDecision], TimeSpan.FromSeconds(60));
        var counters = await fixture.WaitForCountersAsync(campaign.Id, c => c.Total.Impressions == 1, TimeSpan.FromSeconds(30));

        Assert.Equal(new[] { malformed, unknownDecision }.Order(StringComparer.Ordinal), poisoned.Order(StringComparer.Ordinal));
        Assert.Equal(1, counters?.Total.Impressions);
    }

    [SkippableFact]
    public async Task A_message_whose_decision_and_event_were_deleted_for_privacy_is_dropped_not_poisoned()
    {
        LearningLoopHost.RequireEmulators();
        var campaign = await fixture.SeedCampaignAsync("camp-" + Guid.NewGuid().ToString("N")[..10]);
        var deleted = "deleted-" + Guid.NewGuid().ToString("N");
        var forgotten = LearningLoopHost.MessageBody(new LearningEventMessage
        {
            EventId = EventIds.Impression(deleted),
            CampaignId = campaign.Id,
            DecisionId = deleted,
            Kind = FeedbackKind.Impression,
            OccurredAt = DateTimeOffset.UtcNow,
        });

        await fixture.SendEventMessageAsync(forgotten);
        var poisoned = await WaitForPoisonAsync(fixture.Queues.GetQueueClient(StorageNames.EventsQueue + "-poison"), [forgotten], TimeSpan.FromSeconds(5));
        var queued = (await fixture.Queues.GetQueueClient(StorageNames.EventsQueue).PeekMessagesAsync(32)).Value;

        Assert.Empty(poisoned);
        Assert.DoesNotContain(queued, m => m.Body.ToString() == forgotten);
    }

    private static async Task<List<string>> WaitForPoisonAsync(QueueClient poison, string[] expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var found = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            // Peek (do not consume): other tests may be waiting for their own poison messages.
            var peeked = (await poison.PeekMessagesAsync(32)).Value;
            found = [.. peeked.Select(m => m.Body.ToString()).Where(expected.Contains).Distinct()];
            if (found.Count == expected.Length)
            {
                break;
            }

            await Task.Delay(300);
        }

        return found;
    }
}
