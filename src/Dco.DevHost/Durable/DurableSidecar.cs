using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Dco.DevHost.Hosting;
using Dco.Infrastructure.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dco.DevHost.Durable;

/// <summary>
/// The local Durable Task sidecar: a gRPC server (the SDK's <c>TaskHubGrpcServer</c>) on a loopback
/// port, whose backend is <c>DurableTask.AzureStorage</c> on the app's storage account — the provider
/// Durable Functions uses by default — so orchestration state lives in Azurite and survives a restart.
/// </summary>
/// <remarks>
/// Shutdown is in two steps (see <see cref="DrainableOrchestrationService"/>): the sidecar is a
/// lifecycle service, and <see cref="StoppingAsync"/>, which the host calls before any service's
/// <c>StopAsync</c>, drains the work in flight while the worker is still connected to finish it. The
/// worker then disconnects (it stops before the sidecar, having been registered after it), and
/// <see cref="StopAsync"/> stops the server, which stops the storage provider: its partition lease is
/// released, so the next DevHost takes over at once.
/// </remarks>
public sealed partial class DurableSidecar(IConfiguration configuration, HostJson hostJson, ILoggerFactory loggerFactory, int port) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<DurableSidecar>();
    private WebApplication? app;
    private DrainableOrchestrationService? service;

    public Uri Address { get; } = new($"http://127.0.0.1:{port}");

    public string TaskHubName { get; } = configuration["DURABLE:hubName"] ?? hostJson.DurableHubName;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var account = StorageAccount.FromConfiguration(configuration);
        var connectionString = account.ConnectionString
            ?? throw new InvalidOperationException("The DevHost's Durable sidecar needs a storage connection string (AzureWebJobsStorage), as with Azurite.");
        var storage = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = TaskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            PartitionCount = 1,
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            // A message a stopped host had fetched reappears after this; the 5-minute default would
            // stall an orchestration for minutes after every DevHost restart. Episodes here are short.
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(10),
            // The app lease keeps two app versions from sharing a task hub (slot swaps); a restarted
            // DevHost would wait up to its 60 s interval for its own previous lease.
            UseAppLease = false,
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{port}",
            LoggerFactory = loggerFactory,
        });
        await storage.CreateIfNotExistsAsync();
        service = new DrainableOrchestrationService(storage);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(storage);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        LogStarted(logger, Address, TaskHubName);
    }

    /// <summary>Hands out no more work and waits for the work in flight to be finished.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (service is null)
        {
            return;
        }

        try
        {
            await service.DrainAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogDrainTimedOut(logger, TaskHubName, service.InFlight);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            // The server stops its dispatchers and then the storage provider on its application's
            // "stopping" signal, without being awaited: wait for the provider, which releases the lease.
            await app.StopAsync(cancellationToken);
            if (service is { Started.IsCompleted: true })
            {
                try
                {
                    await service.Stopped.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    LogStopTimedOut(logger, TaskHubName);
                }
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }

        service?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable sidecar listening on {Address}, task hub {TaskHub} in Azure Storage")]
    private static partial void LogStarted(ILogger logger, Uri address, string taskHub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable task hub {TaskHub}: {InFlight} work item(s) still in flight at the shutdown timeout; their messages are retried after the visibility timeout")]
    private static partial void LogDrainTimedOut(ILogger logger, string taskHub, int inFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable task hub {TaskHub}: the storage provider did not stop before the shutdown timeout; the next host takes its partition when the lease expires")]
    private static partial void LogStopTimedOut(ILogger logger, string taskHub);
}
