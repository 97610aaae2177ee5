using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Dco.DevHost.Blobs;
using Dco.DevHost.Catalog;
using Dco.DevHost.Durable;
using Dco.DevHost.Http;
using Dco.DevHost.Invocation;
using Dco.DevHost.Queues;
using Dco.DevHost.Timers;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dco.DevHost.Hosting;

public static class DevHostRegistration
{
    /// <summary>
    /// Binds every function in <paramref name="functionAssemblies"/> to a real engine: Kestrel for
    /// HTTP, Storage queue polling, blob scanning with receipts, NCrontab timers, and the Durable Task
    /// SDK over a local Azure Storage sidecar. Unsupported functions fail here, by name.
    /// </summary>
    public static FunctionCatalog AddDevHost(this IHostApplicationBuilder builder, params Assembly[] functionAssemblies)
    {
        ArgumentNullException.ThrowIfNull(functionAssemblies);
        return builder.AddDevHost(functionAssemblies.SelectMany(a => a.GetTypes()));
    }

    /// <summary>As above, for an explicit set of function classes (tests host their own).</summary>
    public static FunctionCatalog AddDevHost(this IHostApplicationBuilder builder, IEnumerable<Type> functionTypes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var catalog = FunctionCatalog.Discover(functionTypes);
        var hostJson = HostJson.Load(FindHostJson(builder));
        var services = builder.Services;

        services.AddOptions<DevHostOptions>().BindConfiguration(DevHostOptions.SectionName);
        services.AddSingleton(catalog);
        services.AddSingleton(hostJson);
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton<FunctionKeyAuthorizer>();
        services.TryAddTimeProvider();
        services.AddMvcCore(); // executes IActionResult returned by HTTP functions, as ConfigureFunctionsWebApplication does
        services.AddProblemDetails();

        var needsDurable = catalog.Functions.Any(f => f.Kind is TriggerKind.Orchestration or TriggerKind.Activity ||
                                                      f.Method.GetParameters().Any(p => p.ParameterType == typeof(DurableTaskClient)));
        if (needsDurable)
        {
            AddDurable(services, catalog, builder.Configuration, hostJson);
        }

        foreach (var function in catalog.OfKind(TriggerKind.Queue))
        {
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueTriggerListener>(sp, function));
        }

        foreach (var function in catalog.OfKind(TriggerKind.Blob))
        {
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<BlobTriggerListener>(sp, function));
        }

        foreach (var function in catalog.OfKind(TriggerKind.Timer))
        {
            // Parse the schedule now: a bad schedule is a start-up error naming the function.
            TimerTriggerScheduler.ParseSchedule(SettingResolver.Resolve(builder.Configuration, ((Microsoft.Azure.Functions.Worker.TimerTriggerAttribute)function.Trigger).Schedule, function.Name), function.Name);
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerScheduler>(sp, function));
        }

        return catalog;
    }

    /// <summary>Maps the HTTP functions; call after <c>Build()</c>.</summary>
    public static WebApplication MapDevHostFunctions(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();
        var hostJson = app.Services.GetRequiredService<HostJson>();
        app.MapHttpFunctions(catalog, hostJson.RoutePrefix);
        return app;
    }

    private static void AddDurable(IServiceCollection services, FunctionCatalog catalog, IConfiguration configuration, HostJson hostJson)
    {
        var port = configuration.GetValue<int?>("DevHost:DurableSidecarPort") ?? FreeLoopbackPort();
        // The sidecar is registered before the worker so that it is listening when the worker connects.
        // The SDK's registry creates orchestrators without a service provider: hand it the app's once built.
        var root = new RootServices();
        services.AddSingleton(sp =>
        {
            root.Provider = sp;
            return new DurableSidecar(configuration, hostJson, sp.GetRequiredService<ILoggerFactory>(), port);
        });
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DurableSidecar>());
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        services.AddSingleton(channel);

        services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(registry =>
            {
                foreach (var function in catalog.OfKind(TriggerKind.Orchestration))
                {
                    registry.AddOrchestrator(function.Name, () => new FunctionOrchestrator(function, root.Get<FunctionInvoker>(), root.Get<ILoggerFactory>()));
                }

                foreach (var function in catalog.OfKind(TriggerKind.Activity))
                {
                    registry.AddActivity(function.Name, sp => new FunctionActivity(function, sp.GetRequiredService<FunctionInvoker>()));
                }
            });
        });
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });
    }

    private sealed class RootServices
    {
        public IServiceProvider? Provider { get; set; }

        public T Get<T>() where T : notnull =>
            (Provider ?? throw new InvalidOperationException("The DevHost's services are not built yet.")).GetRequiredService<T>();
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindHostJson(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["DevHost:HostJsonPath"];
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"DevHost:HostJsonPath points at '{configured}', which does not exist.");
        }

        foreach (var directory in new[] { AppContext.BaseDirectory, builder.Environment.ContentRootPath })
        {
            var candidate = Path.Combine(directory, "host.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
