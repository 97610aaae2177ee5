using System.Net;
using Dco.DevHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
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
        // Port 0: the OS picks the port as Kestrel binds. Picking a free port first and binding it later
        // raced with outbound connections, which take ports from the same range.
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(log);
        configure?.Invoke(builder);
        builder.AddDevHost(functionTypes);
        var app = builder.Build();
        app.MapDevHostFunctions();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // Hosted services (queue listeners among them) start before the server: a host that fails to
            // start must not keep consuming the shared queues for the tests that come after.
            try
            {
                await app.StopAsync();
            }
            finally
            {
                await app.DisposeAsync();
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new DevHostRunner(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async Task StopAsync() => await app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
