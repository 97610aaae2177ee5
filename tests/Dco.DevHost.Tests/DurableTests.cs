using Azure.Storage.Blobs;
using Dco.DevHost.Tests.TestFunctions;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests;

public sealed class DurableTests
{
    private static Dictionary<string, string?> Settings() =>
        new() { ["DURABLE:hubName"] = "t" + Guid.NewGuid().ToString("N")[..10] };

    [SkippableFact]
    public async Task An_orchestration_with_an_activity_an_external_event_and_a_durable_timer_completes()
    {
        var log = new InvocationLog();
        await using var host = await DevHostRunner.StartAsync([typeof(DurableTestFunctions)], Settings(), log);
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        var id = await client.ScheduleNewOrchestrationInstanceAsync("ApprovalFlow", new ApprovalInput("asset-1", 1));
        await log.WaitForAsync("RecordStep", 1, TimeSpan.FromSeconds(60));
        await client.RaiseEventAsync(id, "Decision", "approved");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var state = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("asset-1:approved", state.ReadOutputAs<string>());
        Assert.Equal(new[] { $"{id}/submitted", $"{id}/decided-approved" }, log.ValuesOf("RecordStep").Distinct());
    }

    [SkippableFact]
    public async Task An_orchestration_interrupted_by_a_restart_completes_with_each_side_effect_recorded_once()
    {
        var log = new InvocationLog();
        var settings = Settings();
        string id;
        await using (var first = await DevHostRunner.StartAsync([typeof(DurableTestFunctions)], settings, log))
        {
            var client = first.Services.GetRequiredService<DurableTaskClient>();
            id = await client.ScheduleNewOrchestrationInstanceAsync("ApprovalFlow", new ApprovalInput("asset-2", 2));
            await log.WaitForAsync("RecordStep", 1, TimeSpan.FromSeconds(60));
            await client.RaiseEventAsync(id, "Decision", "rejected");
            // Stop while the durable timer is pending: the rest must happen in the next host.
        }

        await using (var second = await DevHostRunner.StartAsync([typeof(DurableTestFunctions)], settings, log))
        {
            var client = second.Services.GetRequiredService<DurableTaskClient>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var state = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.Equal("asset-2:rejected", state.ReadOutputAs<string>());
        }

        var container = new BlobContainerClient(Emulators.StorageConnectionString(), DurableTestFunctions.SideEffectsContainer);
        var recorded = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id + "/", CancellationToken.None))
        {
            recorded.Add(blob.Name);
        }

        Assert.Equal(new[] { $"{id}/decided-rejected", $"{id}/submitted" }, recorded.Order());
    }
}
