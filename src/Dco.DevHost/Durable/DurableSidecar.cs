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
public sealed partial class DurableSidecar(IConfiguration configuration, HostJson hostJson, ILoggerFactory loggerFactory, int port) : IHostedService, IAsyncDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<DurableSidecar>();
    private WebApplication? app;
    private AzureStorageOrchestrationService? service;

    public Uri Address { get; } = new($"http://127.0.0.1:{port}");

    public string TaskHubName { get; } = configuration["DURABLE:hubName"] ?? hostJson.DurableHubName;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var account = StorageAccount.FromConfiguration(configuration);
        var connectionString = account.ConnectionString
            ?? throw new InvalidOperationException("The DevHost's Durable sidecar needs a storage connection string (AzureWebJobsStorage), as with Azurite.");
        service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
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
        await service.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        LogStarted(logger, Address, TaskHubName);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }

        if (service is not null)
        {
            // Release the partition leases now so that the next DevHost takes over at once.
            await service.StopAsync(isForced: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable sidecar listening on {Address}, task hub {TaskHub} in Azure Storage")]
    private static partial void LogStarted(ILogger logger, Uri address, string taskHub);
}
