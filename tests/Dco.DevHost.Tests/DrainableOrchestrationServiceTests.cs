using Dco.DevHost.Durable;
using DurableTask.Core;
using Moq;

namespace Dco.DevHost.Tests;

public sealed class DrainableOrchestrationServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_drain_waits_for_an_orchestration_handed_out_until_it_is_released()
    {
        var inner = new Mock<IOrchestrationService>();
        var item = new TaskOrchestrationWorkItem { InstanceId = "i1" };
        inner.Setup(s => s.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).ReturnsAsync(item);
        using var service = new DrainableOrchestrationService(inner.Object);

        Assert.Same(item, await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        await service.CompleteTaskOrchestrationWorkItemAsync(item, null!, [], [], [], null!, null!);
        var drain = service.DrainAsync(CancellationToken.None);

        Assert.False(drain.IsCompleted, "completed is not finished: the dispatcher still releases the session");
        Assert.Equal(1, service.InFlight);
        await service.ReleaseTaskOrchestrationWorkItemAsync(item);
        await drain.WaitAsync(Patience);
        Assert.Equal(0, service.InFlight);
    }

    [Fact]
    public async Task A_release_that_throws_before_returning_its_task_still_finishes_the_work_item()
    {
        var inner = new Mock<IOrchestrationService>();
        var item = new TaskOrchestrationWorkItem { InstanceId = "i2" };
        inner.Setup(s => s.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).ReturnsAsync(item);
        inner.Setup(s => s.ReleaseTaskOrchestrationWorkItemAsync(item)).Throws(new InvalidOperationException("session gone"));
        using var service = new DrainableOrchestrationService(inner.Object);

        await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.ReleaseTaskOrchestrationWorkItemAsync(item));

        Assert.Equal(0, service.InFlight);
        await service.DrainAsync(CancellationToken.None).WaitAsync(Patience);
    }

    [Fact]
    public async Task A_drain_waits_for_an_activity_until_it_is_completed_or_abandoned()
    {
        var inner = new Mock<IOrchestrationService>();
        var first = new TaskActivityWorkItem { Id = "a1" };
        var second = new TaskActivityWorkItem { Id = "a2" };
        inner.SetupSequence(s => s.LockNextTaskActivityWorkItem(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(first)
            .ReturnsAsync(second);
        inner.Setup(s => s.CompleteTaskActivityWorkItemAsync(first, It.IsAny<TaskMessage>())).ThrowsAsync(new InvalidOperationException("storage down"));
        using var service = new DrainableOrchestrationService(inner.Object);

        await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        var drain = service.DrainAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => service.CompleteTaskActivityWorkItemAsync(first, new TaskMessage()));
        await service.AbandonTaskActivityWorkItemAsync(first); // the dispatcher abandons what it could not complete
        Assert.False(drain.IsCompleted);
        await service.CompleteTaskActivityWorkItemAsync(second, new TaskMessage());
        await drain.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_drain_cancels_a_fetch_in_progress_and_hands_out_nothing_until_the_dispatcher_stops()
    {
        var inner = new Mock<IOrchestrationService>();
        inner.Setup(s => s.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Returns(async (TimeSpan _, CancellationToken token) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return new TaskOrchestrationWorkItem();
            });
        using var service = new DrainableOrchestrationService(inner.Object);
        using var dispatcher = new CancellationTokenSource();

        var fetch = service.LockNextTaskOrchestrationWorkItemAsync(Timeout.InfiniteTimeSpan, dispatcher.Token);
        await service.DrainAsync(CancellationToken.None).WaitAsync(Patience);
        var later = service.LockNextTaskOrchestrationWorkItemAsync(Timeout.InfiniteTimeSpan, dispatcher.Token);

        // Neither returns (a null would make the server's dispatcher poll in a tight loop) ...
        await Task.Delay(100);
        Assert.False(fetch.IsCompleted);
        Assert.False(later.IsCompleted);
        inner.Verify(s => s.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Once());

        // ... until the dispatcher stops, as it does when it is cancelled.
        await dispatcher.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.WaitAsync(Patience));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => later.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_work_item_the_provider_returns_as_the_drain_begins_goes_back_to_its_queue()
    {
        var inner = new Mock<IOrchestrationService>();
        var fetched = new TaskCompletionSource<TaskActivityWorkItem>();
        var item = new TaskActivityWorkItem { Id = "late" };
        inner.Setup(s => s.LockNextTaskActivityWorkItem(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).Returns(fetched.Task); // ignores cancellation
        using var service = new DrainableOrchestrationService(inner.Object);
        using var dispatcher = new CancellationTokenSource();

        var fetch = service.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, dispatcher.Token);
        var drain = service.DrainAsync(CancellationToken.None);
        fetched.SetResult(item);
        await drain.WaitAsync(Patience);

        inner.Verify(s => s.AbandonTaskActivityWorkItemAsync(item), Times.Once());
        Assert.False(fetch.IsCompleted, "the late work item is not handed to the dispatcher");
        await dispatcher.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_drain_gives_up_at_the_shutdown_timeout()
    {
        var inner = new Mock<IOrchestrationService>();
        inner.Setup(s => s.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TaskOrchestrationWorkItem { InstanceId = "stuck" });
        using var service = new DrainableOrchestrationService(inner.Object);
        await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.DrainAsync(timeout.Token));
        Assert.Equal(1, service.InFlight);
    }

    [Fact]
    public async Task Starting_and_stopping_the_provider_are_reported_even_when_stopping_fails()
    {
        var inner = new Mock<IOrchestrationService>();
        inner.Setup(s => s.StartAsync()).Returns(Task.CompletedTask);
        inner.Setup(s => s.StopAsync(false)).ThrowsAsync(new InvalidOperationException("lease lost"));
        using var service = new DrainableOrchestrationService(inner.Object);

        Assert.False(service.Started.IsCompleted);
        await service.StartAsync();
        Assert.True(service.Started.IsCompleted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.StopAsync());
        Assert.True(service.Stopped.IsCompleted);
    }

    [Fact]
    public async Task Stopping_before_or_while_the_provider_starts_stops_it_only_after_a_successful_start()
    {
        // Azure Storage's provider throws NullReferenceException when stopped without a completed start.
        var inner = new Mock<IOrchestrationService>(MockBehavior.Strict);
        var starting = new TaskCompletionSource();
        inner.Setup(s => s.StartAsync()).Returns(starting.Task);
        inner.Setup(s => s.StopAsync(false)).Returns(Task.CompletedTask);
        using var service = new DrainableOrchestrationService(inner.Object);

        await service.StopAsync().WaitAsync(Patience); // never started: nothing to stop
        inner.Verify(s => s.StopAsync(false), Times.Never);

        var start = service.StartAsync();
        var stop = service.StopAsync();
        await Task.Delay(50);
        Assert.False(stop.IsCompleted); // waits for the start in progress
        starting.SetResult();
        await Task.WhenAll(start, stop).WaitAsync(Patience);
        inner.Verify(s => s.StopAsync(false), Times.Once);
        Assert.True(service.Stopped.IsCompleted);
    }

    [Fact]
    public async Task A_provider_whose_start_failed_is_not_stopped()
    {
        var inner = new Mock<IOrchestrationService>(MockBehavior.Strict);
        inner.Setup(s => s.StartAsync()).ThrowsAsync(new InvalidOperationException("storage unreachable"));
        using var service = new DrainableOrchestrationService(inner.Object);

        await Assert.ThrowsAsync<InvalidOperationException>(() => service.StartAsync());
        await service.StopAsync().WaitAsync(Patience);

        inner.Verify(s => s.StopAsync(It.IsAny<bool>()), Times.Never);
        Assert.True(service.Stopped.IsCompleted);
        Assert.False(service.Started.IsCompleted);
    }
}
