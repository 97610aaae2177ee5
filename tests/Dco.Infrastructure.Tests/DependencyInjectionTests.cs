using Dco.Infrastructure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tests;

public sealed class DependencyInjectionTests
{
    private static readonly Dictionary<string, string?> ValidCosmos = new()
    {
        ["COSMOS:accountEndpoint"] = "http://127.0.0.1:8081/",
        ["COSMOS:accountKey"] = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
        ["COSMOS:allowInsecureLoopback"] = "true",
    };

    [Fact]
    public async Task A_host_without_a_cosmos_endpoint_fails_at_start_naming_the_setting()
    {
        using var host = Build(new Dictionary<string, string?>());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("AccountEndpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_insecure_transport_for_a_remote_endpoint_fails_at_start()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["COSMOS:accountEndpoint"] = "https://dco-test.documents.azure.com:443/",
            ["COSMOS:allowInsecureLoopback"] = "true",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("not a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_whose_event_retention_is_shorter_than_the_decision_retention_fails_at_start()
    {
        using var host = Build(new Dictionary<string, string?>(ValidCosmos)
        {
            ["SERVING:decisionRetention"] = "30.00:00:00",
            ["TRACKING:eventRetention"] = "7.00:00:00",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("TRACKING__eventRetention (7.00:00:00) is shorter than SERVING__decisionRetention (30.00:00:00)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cosmos_services_resolve_from_valid_settings()
    {
        using var host = Build(ValidCosmos);

        var stores = host.Services.GetRequiredService<CosmosStores>();

        Assert.Equal("dco", stores.DatabaseName);
        Assert.NotNull(host.Services.GetRequiredService<CosmosHealthProbe>());
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddDcoInfrastructure();
        return builder.Build();
    }
}
