using System.Xml.Linq;
using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>
/// The functions worker runs server GC, and the DevHost, whose load tests stand in for the worker,
/// runs the same mode (docs/decisions/0015-server-gc.md). Both projects set it explicitly: the two SDKs'
/// defaults differ (workstation for the worker's Microsoft.NET.Sdk, server for the web SDK).
/// </summary>
public sealed class GarbageCollectionModeTests
{
    [Fact]
    public void The_worker_runs_server_GC_and_the_DevHost_the_same_mode()
    {
        var worker = ServerGarbageCollection("src", "Dco.Functions", "Dco.Functions.csproj");
        var devHost = ServerGarbageCollection("src", "Dco.DevHost", "Dco.DevHost.csproj");

        Assert.True(worker == "true", $"Dco.Functions sets ServerGarbageCollection to '{worker ?? "(unset: workstation)"}', not true (ADR 0015).");
        Assert.True(devHost == worker, $"Dco.DevHost sets ServerGarbageCollection to '{devHost ?? "(unset)"}' and the worker to '{worker}': the load tests would measure another GC mode than production runs.");
    }

    private static string? ServerGarbageCollection(params string[] project) =>
        XDocument.Load(Repository.File(project)).Descendants("ServerGarbageCollection").SingleOrDefault()?.Value.Trim().ToLowerInvariant();
}
