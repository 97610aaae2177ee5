using Dco.Infrastructure.Learning;
using Dco.Infrastructure.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Queues;

/// <summary>
/// Learns from each <c>events</c> message. Failures propagate: the host retries, and after
/// <c>maxDequeueCount</c> attempts moves the message to <c>events-poison</c> (an
/// <see cref="UnprocessableEventException"/> names the cause) while later messages keep flowing.
/// </summary>
public sealed class LearnFromEventFunction(EventLearningService learning)
{
    [Function("LearnFromEvent")]
    public async Task Run([QueueTrigger(StorageNames.EventsQueue)] string message, CancellationToken cancellationToken) =>
        await learning.ApplyAsync(EventLearningService.Parse(message), cancellationToken);
}
