using Dco.Infrastructure.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// Creates the schema at start-up on key-authenticated accounts (local emulators). Keyless
/// accounts in Azure get it from infra-bicep: their data-plane role cannot create containers.
/// It runs in the background: an unreachable Cosmos must not stop the host, whose /api/health
/// then names it.
/// </summary>
public sealed partial class CosmosSchemaStartup(CosmosSchemaInitializer initializer, IOptions<CosmosOptions> options, ILogger<CosmosSchemaStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(options.Value.AccountKey))
        {
            return;
        }

        try
        {
            await initializer.InitializeAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
#pragma warning disable CA1031 // Reported through logs and /api/health; the host keeps serving.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSchemaFailed(logger, ex, options.Value.AccountEndpoint);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not create the Cosmos DB schema at {Endpoint}; /api/health reports cosmos as unhealthy")]
    private static partial void LogSchemaFailed(ILogger logger, Exception ex, Uri? endpoint);
}
