using System.Collections.Concurrent;
using DurableTask.Core;

namespace Dco.DevHost.Durable;

/// <summary>
/// The storage provider as the SDK's gRPC server sees it, with a graceful drain the server lacks.
/// </summary>
/// <remarks>
/// The server never completes a work item whose worker has disconnected, and its dispatchers only
/// stop fetching once the worker is gone: stopped in the host's order, a work item in flight held its
/// orchestration's partition until Azure Storage gave up draining it (60 s), and the next DevHost
/// waited for the lease. <see cref="DrainAsync"/> runs first: no further work item is handed out
/// (a fetch in progress is cancelled, one that still returns is abandoned back to its queue), and it
/// completes when every work item handed out has been completed, abandoned or released — while the
/// worker is still there to finish them. The server also starts and stops the provider itself, from
/// lifetime callbacks nobody can await, so <see cref="Started"/> and <see cref="Stopped"/> report both.
/// </remarks>
public sealed class DrainableOrchestrationService(IOrchestrationService inner) : IOrchestrationService, IDisposable
{
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource draining = new();
    private readonly ConcurrentDictionary<object, byte> inFlight = new(ReferenceEqualityComparer.Instance);
    private Task? starting;

    /// <summary>Completes once the provider has started: from then on it may hold partition leases.</summary>
    public Task Started => started.Task;

    /// <summary>Completes once the provider has stopped (and released its leases), or failed to.</summary>
    public Task Stopped => stopped.Task;

    /// <summary>The work items handed out and not yet finished.</summary>
    public int InFlight => inFlight.Count;

    /// <summary>Stops handing out work and waits until every work item handed out is finished.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await draining.CancelAsync();
        while (!inFlight.IsEmpty)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    public void Dispose() => draining.Dispose();

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public Task StartAsync()
    {
        var start = StartInnerAsync();
        Volatile.Write(ref starting, start);
        return start;
    }

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>
    /// Stops the provider once its start has finished, and only if that start succeeded: the server also
    /// stops it when the host stops before or while it starts, and Azure Storage's provider fails
    /// (NullReferenceException) when stopped without a completed start. That failure, thrown into a
    /// lifetime callback nobody awaits, took the whole process down.
    /// </summary>
    public async Task StopAsync(bool isForced)
    {
        try
        {
            if (Volatile.Read(ref starting) is { } start)
            {
                await start.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (start.IsCompletedSuccessfully)
                {
                    await inner.StopAsync(isForced);
                }
            }
        }
        finally
        {
            stopped.TrySetResult();
        }
    }

    private async Task StartInnerAsync()
    {
        await inner.StartAsync();
        started.TrySetResult();
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        LockNextAsync(
            token => inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, token),
            async item =>
            {
                await inner.AbandonTaskOrchestrationWorkItemAsync(item);
                await inner.ReleaseTaskOrchestrationWorkItemAsync(item);
            },
            cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    // An orchestration work item is released whatever happened to it: that is when it is finished.
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        Finishing(workItem, () => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem));

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        LockNextAsync(
            token => inner.LockNextTaskActivityWorkItem(receiveTimeout, token),
            inner.AbandonTaskActivityWorkItemAsync,
            cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    // An activity work item is finished once completed, or abandoned when completing failed.
    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        Finishing(workItem, () => inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage));

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) =>
        Finishing(workItem, () => inner.AbandonTaskActivityWorkItemAsync(workItem));

    private async Task<T> LockNextAsync<T>(Func<CancellationToken, Task<T>> lockNext, Func<T, Task> giveBack, CancellationToken cancellationToken)
        where T : class
    {
        if (!draining.IsCancellationRequested)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, draining.Token);
            T? item;
            try
            {
                item = await lockNext(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                item = null; // the drain cancelled the fetch
            }

            if (item is not null)
            {
                // Counted before the drain is checked, so that a drain beginning now waits for it.
                inFlight.TryAdd(item, 0);
                if (!draining.IsCancellationRequested)
                {
                    return item;
                }

                // Fetched as the drain began: back to its queue, for the next host.
                await Finishing(item, () => giveBack(item));
            }

            if (!draining.IsCancellationRequested)
            {
                return item!; // nothing to fetch (the caller's timeout), as the provider answers
            }
        }

        // Draining: hand out nothing until the dispatcher stops. Returning at once would make the
        // server's dispatcher poll in a tight loop, as it only waits while no worker is connected.
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        throw new OperationCanceledException(cancellationToken);
    }

    // The operation runs inside the try: one that throws before returning its task still finishes the item.
    private async Task Finishing(object workItem, Func<Task> operation)
    {
        try
        {
            await operation();
        }
        finally
        {
            inFlight.TryRemove(workItem, out _);
        }
    }
}
