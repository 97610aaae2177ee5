using System.Net;
using System.Net.Sockets;
using Dco.DevHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dco.DevHost.Tests;

/// <summary>Starts a real DevHost (Kestrel on a free loopback port) with test-only function classes.</summary>
public sealed class DevHostRunner : IAsyncDisposable
{
    private readonly WebApplication app;

    private DevHostRunner(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public const string MasterKey = "test-master-key";
    public const string FunctionKey = "test-function-key";

    public static async Task<DevHostRunner> StartAsync(
        IEnumerable<Type> functionTypes,
        IDictionary<string, string?> settings,
        InvocationLog log,
        Action<WebApplicationBuilder>? configure = null)
    {
        var port = FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(Enum.Parse<LogLevel>(Environment.GetEnvironmentVariable("DCO_TEST_LOG_LEVEL") ?? "Warning"));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Emulators.StorageConnectionString(),
            ["DevHost:HostJsonPath"] = Path.Combine(AppContext.BaseDirectory, "test.host.json"),
            ["DevHost:MasterKey"] = MasterKey,
            ["DevHost:FunctionKeys:default"] = FunctionKey,
            ["DevHost:BlobScanInterval"] = "00:00:00.300",
            ["DevHost:QueueProcessingLease"] = "00:00:10",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(log);
        configure?.Invoke(builder);
        builder.AddDevHost(functionTypes);
        var app = builder.Build();
        app.MapDevHostFunctions();
        await app.StartAsync();
        return new DevHostRunner(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async Task StopAsync() => await app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
