using System.Net;
using System.Text.Json;
using Dco.Functions;

namespace Dco.DevHost.Tests;

/// <summary>The real Dco.Functions app, hosted by the DevHost against the emulators.</summary>
public sealed class HealthEndpointTests
{
    [SkippableFact]
    public async Task Health_is_200_when_blob_queue_cosmos_and_durable_answer()
    {
        Emulators.RequireCosmos();
        await using var host = await DevHostRunner.StartAsync(
            [.. typeof(DependencyInjection).Assembly.GetTypes()],
            new Dictionary<string, string?> { ["DURABLE:hubName"] = "health" + Guid.NewGuid().ToString("N")[..8] },
            new InvocationLog(),
            builder => builder.AddDcoFunctions());
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await GetWhenSchemaReadyAsync(http);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = body.RootElement.GetProperty("dependencies").EnumerateArray().Select(d => d.GetProperty("name").GetString()).Order();
        Assert.Equal(["blob", "cosmos", "durable", "queue"], names);
    }

    [SkippableFact]
    public async Task Health_is_503_naming_cosmos_when_cosmos_is_unreachable()
    {
        Emulators.RequireCosmos();
        await using var host = await DevHostRunner.StartAsync(
            [.. typeof(DependencyInjection).Assembly.GetTypes()],
            new Dictionary<string, string?>
            {
                ["DURABLE:hubName"] = "health" + Guid.NewGuid().ToString("N")[..8],
                ["COSMOS:accountEndpoint"] = "http://127.0.0.1:9/", // discard port: nothing listens
            },
            new InvocationLog(),
            builder => builder.AddDcoFunctions());
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync("api/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(["cosmos"], body.RootElement.GetProperty("unhealthy").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>The schema is created in the background at start-up: allow it a moment.</summary>
    private static async Task<HttpResponseMessage> GetWhenSchemaReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await http.GetAsync("api/health");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(500);
        }
    }
}
