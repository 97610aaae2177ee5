using System.Text.Json.Nodes;
using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>The Function App is a .NET 10 isolated app on Flex Consumption, and host.json agrees with the plan.</summary>
[Collection(CompiledMainCollection.Name)]
public sealed class FlexPlanTests(CompiledMain compiled)
{
    // Settings of the Consumption/Premium plans that Flex Consumption rejects or replaces.
    private static readonly string[] NotOnFlex =
    [
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_NODE_DEFAULT_VERSION",
        "AzureWebJobsStorage",
    ];

    private ArmResource Site => Assert.Single(compiled.Root.AllResources(), r => r.Type == "Microsoft.Web/sites");

    [Fact]
    public void Plan_is_Flex_Consumption()
    {
        var plan = Assert.Single(compiled.Root.AllResources(), r => r.Type == "Microsoft.Web/serverfarms");

        Assert.Equal("FlexConsumption", plan.Node["sku"]!["tier"]!.ToString());
        Assert.Equal("FC1", plan.Node["sku"]!["name"]!.ToString());
        Assert.Equal("true", plan.Properties!["reserved"]!.ToJsonString());
    }

    [Fact]
    public void App_runs_dotnet_isolated_on_dotnet_10()
    {
        var runtime = Site.Properties!["functionAppConfig"]!["runtime"]!;

        Assert.Equal("dotnet-isolated", runtime["name"]!.ToString());
        Assert.Equal("10.0", runtime["version"]!.ToString());
        Assert.Equal("functionapp,linux", Site.Node["kind"]!.ToString());
    }

    [Fact]
    public void HTTP_group_gets_always_ready_instances_by_default()
    {
        var scale = Site.Properties!["functionAppConfig"]!["scaleAndConcurrency"]!;
        var defaultInstances = compiled.Root.TemplateParameters!["httpAlwaysReadyInstances"]!["defaultValue"]!.GetValue<int>();

        Assert.True(defaultInstances >= 1, "The decision path must not cold-start by default.");
        Assert.Contains("createObject('name', 'http', 'instanceCount', parameters('httpAlwaysReadyInstances'))", scale["alwaysReady"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('httpPerInstanceConcurrency')]", scale["triggers"]!["http"]!["perInstanceConcurrency"]!.ToString());
    }

    [Fact]
    public void Settings_that_Flex_rejects_are_not_emitted()
    {
        var emitted = EmittedAppSettings.From(compiled.Root).Settings;

        Assert.All(NotOnFlex, name => Assert.False(emitted.ContainsKey(name), $"{name} is not a valid app setting on Flex Consumption."));
    }

    [Fact]
    public void Host_json_lets_each_instance_take_the_HTTP_concurrency_the_plan_scales_on()
    {
        var http = HostJson()["extensions"]!["http"]!;
        var perInstance = compiled.Root.TemplateParameters!["httpPerInstanceConcurrency"]!["defaultValue"]!.GetValue<int>();

        // If the host throttled below the plan's per-instance target, requests would get 429s instead of new instances.
        Assert.True(http["maxConcurrentRequests"]!.GetValue<int>() >= perInstance);
        Assert.Equal("api", http["routePrefix"]!.ToString());
    }

    [Fact]
    public void Host_json_function_timeout_is_bounded_and_above_the_HTTP_front_end_limit()
    {
        var timeout = TimeSpan.Parse(HostJson()["functionTimeout"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

        // Flex allows unbounded timeouts; a bound keeps a stuck activity from running (and billing) for ever.
        // HTTP responses are cut at 230 s by the front end anyway; queue, blob and Durable work needs longer.
        Assert.InRange(timeout, TimeSpan.FromSeconds(230), TimeSpan.FromHours(1));
    }

    [Fact]
    public void Host_json_keeps_Durable_on_Azure_Storage_in_the_host_storage_account()
    {
        var durable = HostJson()["extensions"]!["durableTask"]!;

        Assert.Equal("AzureStorage", durable["storageProvider"]!["type"]!.ToString());
        Assert.Null(durable["storageProvider"]!["connectionName"]);
    }

    private static JsonNode HostJson() => JsonNode.Parse(File.ReadAllText(Repository.File("host.json")))!;
}
