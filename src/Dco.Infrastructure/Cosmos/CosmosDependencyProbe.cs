using Dco.Infrastructure.Health;

namespace Dco.Infrastructure.Cosmos;

/// <summary>Cosmos DB as one of the dependencies the health endpoint reports.</summary>
internal sealed class CosmosDependencyProbe(CosmosHealthProbe probe) : IDependencyProbe
{
    public string Name => "cosmos";

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var health = await probe.CheckAsync(cancellationToken);
        if (!health.IsHealthy)
        {
            throw new InvalidOperationException(health.Reason);
        }
    }
}
