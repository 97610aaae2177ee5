using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dco.Functions;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Management;

/// <summary>The real app in the DevHost against the emulators, on a database of its own, with an admin-key client.</summary>
internal sealed class ManagementHost : IAsyncDisposable
{
    private ManagementHost(DevHostRunner host, string database)
    {
        Host = host;
        Database = database;
        Admin = new HttpClient { BaseAddress = host.BaseAddress };
        Admin.DefaultRequestHeaders.Add("x-functions-key", DevHostRunner.MasterKey);
        Anonymous = new HttpClient { BaseAddress = host.BaseAddress };
    }

    public DevHostRunner Host { get; }

    public string Database { get; }

    public HttpClient Admin { get; }

    public HttpClient Anonymous { get; }

    public static void RequireEmulators()
    {
        Emulators.StorageConnectionString();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COSMOS__accountEndpoint")))
        {
            if (Environment.GetEnvironmentVariable("DCO_REQUIRE_EMULATORS") == "1")
            {
                throw new InvalidOperationException("DCO_REQUIRE_EMULATORS=1 but COSMOS__accountEndpoint is not set.");
            }

            Skip.If(true, "Skipped: the Cosmos emulator is not configured (run ./dco test).");
        }
    }

    public static async Task<ManagementHost> StartAsync(Action<IServiceCollection>? services = null)
    {
        RequireEmulators();
        var database = "mgmt" + Guid.NewGuid().ToString("N")[..10];
        var host = await DevHostRunner.StartAsync(
            [.. typeof(DependencyInjection).Assembly.GetTypes()],
            new Dictionary<string, string?>
            {
                ["DURABLE:hubName"] = "mgmt" + Guid.NewGuid().ToString("N")[..8],
                ["COSMOS:databaseName"] = database,
            },
            new InvocationLog(),
            builder =>
            {
                builder.AddDcoFunctions();
                services?.Invoke(builder.Services);
            });
        var started = new ManagementHost(host, database);
        await started.WaitForSchemaAsync();
        return started;
    }

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        var response = await Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>The schema is created in the background at start-up: wait until the campaigns container answers.</summary>
    private async Task WaitForSchemaAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90); // generous: the schema is created in the background on a shared 2-core machine
        while (true)
        {
            using var response = await Admin.GetAsync("api/manage/campaigns");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The campaigns container did not become ready: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(300);
        }
    }
}
