using Dco.Infrastructure.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// Creates the schema at start-up on key-authenticated accounts (local emulators). Keyless
/// accounts in Azure get it from infra-bicep: their data-plane role cannot create containers.
/// </summary>
public sealed class CosmosSchemaStartup(CosmosSchemaInitializer initializer, IOptions<CosmosOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Value.AccountKey))
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
