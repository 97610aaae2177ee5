using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;

namespace Dco.Infrastructure.Serving.Signals;

/// <summary>Loads the live external signals (weather, inventory, promotions) that have not expired.</summary>
public sealed class SignalReader(CosmosStores stores, TimeProvider time)
{
    private readonly CosmosDocumentStore<SignalDocument> signals = stores.For<SignalDocument>(CosmosContainers.Signals, s => s.Id, s => s.Source);

    public CosmosDocumentStore<SignalDocument> Store => signals;

    public async Task<LiveSignals> ReadLiveAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var values = new List<SignalValue>();
        await foreach (var signal in signals.QueryAcrossPartitionsAsync(new DocumentQuery("SELECT * FROM c"), cancellationToken))
        {
            if (signal.ExpiresAt > now && !double.IsNaN(signal.Value))
            {
                values.Add(new SignalValue(signal.Name, signal.Key, signal.Value));
            }
        }

        return new LiveSignals(values);
    }
}
