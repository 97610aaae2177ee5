using System.Net;
using Dco.DevHost.Tests.TestFunctions;

namespace Dco.DevHost.Tests;

public sealed class HttpTriggerTests
{
    private static Task<DevHostRunner> StartAsync(InvocationLog log) =>
        DevHostRunner.StartAsync([typeof(HttpTestFunctions)], new Dictionary<string, string?>(), log);

    [SkippableFact]
    public async Task Function_level_route_rejects_a_missing_key_with_401()
    {
        var log = new InvocationLog();
        await using var host = await StartAsync(log);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var response = await http.GetAsync("api/echo/42");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(log.ValuesOf("Echo"));
    }

    [SkippableFact]
    public async Task Function_level_route_rejects_a_wrong_key_with_401()
    {
        var log = new InvocationLog();
        await using var host = await StartAsync(log);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/echo/42");
        request.Headers.Add("x-functions-key", "not-the-key");

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(log.ValuesOf("Echo"));
    }

    [SkippableFact]
    public async Task Function_level_route_accepts_the_function_key_in_the_header_and_binds_route_values()
    {
        var log = new InvocationLog();
        await using var host = await StartAsync(log);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/echo/42?q=hello");
        request.Headers.Add("x-functions-key", DevHostRunner.FunctionKey);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"id\":\"42\",\"query\":\"hello\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal(["42"], log.ValuesOf("Echo"));
    }

    [SkippableFact]
    public async Task Function_level_route_accepts_the_key_in_the_code_query_parameter()
    {
        var log = new InvocationLog();
        await using var host = await StartAsync(log);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var response = await http.GetAsync($"api/echo/7?code={DevHostRunner.FunctionKey}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [SkippableFact]
    public async Task Admin_level_route_refuses_a_function_key_and_accepts_the_master_key()
    {
        await using var host = await StartAsync(new InvocationLog());
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var withFunctionKey = await http.PostAsync($"api/admin/thing?code={DevHostRunner.FunctionKey}", null);
        var withMasterKey = await http.PostAsync($"api/admin/thing?code={DevHostRunner.MasterKey}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, withFunctionKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, withMasterKey.StatusCode);
    }

    [SkippableFact]
    public async Task Anonymous_route_needs_no_key_and_wrong_method_is_refused()
    {
        await using var host = await StartAsync(new InvocationLog());
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var get = await http.GetAsync("api/open");
        var post = await http.PostAsync("api/open", null);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }
}
