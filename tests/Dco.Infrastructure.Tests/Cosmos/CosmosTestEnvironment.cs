using Dco.Infrastructure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tests.Cosmos;

/// <summary>
/// The Cosmos endpoint the contract suite runs against, from the same environment variables
/// azurite/start.sh writes to emulators.env (COSMOS__accountEndpoint, COSMOS__accountKey, …):
/// the patched stand-in, the official emulator or a real account alike. Absent, the tests skip,
/// unless DCO_REQUIRE_EMULATORS=1 (CI), where they fail.
/// </summary>
public static class CosmosTestEnvironment
{
    public const string EndpointVariable = "COSMOS__accountEndpoint";

    public static bool IsConfigured => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable));

    public static bool IsRequired => Environment.GetEnvironmentVariable("DCO_REQUIRE_EMULATORS") == "1";

    /// <summary>Skips the calling test when no endpoint is configured; fails it when emulators are required.</summary>
    public static void RequireEndpoint()
    {
        if (IsConfigured)
        {
            return;
        }

        if (IsRequired)
        {
            throw new InvalidOperationException(
                $"DCO_REQUIRE_EMULATORS=1 but {EndpointVariable} is not set: start the emulators (azurite/start.sh --state-dir DIR) and source DIR/emulators.env.");
        }

        Skip.If(true, $"No Cosmos endpoint: {EndpointVariable} is not set. Run azurite/start.sh --state-dir DIR and source DIR/emulators.env to run the Cosmos contract suite.");
    }

    /// <summary>Services wired exactly as the platform wires them, against a database of the test's own.</summary>
    public static ServiceProvider CreateServices(string databaseName)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["COSMOS:databaseName"] = databaseName })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddDcoCosmos();
        services.AddCosmosJsonContext(TestDocumentsJsonContext.Default);
        services.AddCosmosJsonContext(Dco.Infrastructure.Serving.ServingJsonContext.Default);
        var provider = services.BuildServiceProvider(validateScopes: true);
        _ = provider.GetRequiredService<IOptions<Configuration.CosmosOptions>>().Value;
        return provider;
    }

    public static string UniqueDatabaseName(string purpose) => $"dco-test-{purpose}-{Guid.NewGuid():N}"[..40];
}
