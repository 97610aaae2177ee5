using Azure.Core;
using Dco.Infrastructure.Configuration;
using Dco.Infrastructure.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Tests.Cosmos;

public sealed class CosmosClientFactoryTests
{
    private static readonly SystemTextJsonCosmosSerializer Serializer = new([TestDocumentsJsonContext.Default]);

    [Fact]
    public void A_loopback_emulator_gets_gateway_mode_limited_to_its_endpoint()
    {
        using var client = CosmosClientFactory.Create(EmulatorOptions(), Serializer);

        Assert.Equal(
            (ConnectionMode.Gateway, true, true),
            (client.ClientOptions.ConnectionMode, client.ClientOptions.LimitToEndpoint, client.ClientOptions.ServerCertificateCustomValidationCallback is not null));
    }

    [Fact]
    public void A_real_account_keeps_the_sdk_defaults_and_certificate_checks()
    {
        var options = new CosmosOptions { AccountEndpoint = new Uri("https://dco-test.documents.azure.com:443/") };

        using var client = CosmosClientFactory.Create(options, Serializer, new FixedTokenCredential());

        Assert.Equal(
            (ConnectionMode.Direct, false, true),
            (client.ClientOptions.ConnectionMode, client.ClientOptions.LimitToEndpoint, client.ClientOptions.ServerCertificateCustomValidationCallback is null));
    }

    [Fact]
    public void The_client_uses_our_serializer()
    {
        using var client = CosmosClientFactory.Create(EmulatorOptions(), Serializer);

        Assert.Same(Serializer, client.ClientOptions.Serializer);
    }

    [Fact]
    public void Insecure_transport_for_a_non_loopback_endpoint_is_refused()
    {
        var options = new CosmosOptions { AccountEndpoint = new Uri("https://dco-test.documents.azure.com:443/"), AllowInsecureLoopback = true, AccountKey = "a2V5" };

        var error = Assert.Throws<InvalidOperationException>(() => CosmosClientFactory.Create(options, Serializer));

        Assert.Contains("not a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_without_the_insecure_loopback_switch_is_refused()
    {
        var options = EmulatorOptions();
        options.AllowInsecureLoopback = false;

        var error = Assert.Throws<InvalidOperationException>(() => CosmosClientFactory.Create(options, Serializer));

        Assert.Contains("plain http", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_without_an_endpoint_are_refused_naming_the_setting()
    {
        var problem = CosmosOptionsRules.Validate(new CosmosOptions());

        Assert.Contains("COSMOS:accountEndpoint is not set", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_of_a_loopback_emulator_are_valid()
    {
        Assert.Null(CosmosOptionsRules.Validate(EmulatorOptions()));
    }

    private static CosmosOptions EmulatorOptions() => new()
    {
        AccountEndpoint = new Uri("http://127.0.0.1:8081/"),
        AccountKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
        AllowInsecureLoopback = true,
    };

    private sealed class FixedTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
