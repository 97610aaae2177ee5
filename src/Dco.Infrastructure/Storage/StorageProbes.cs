using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Dco.Infrastructure.Health;

namespace Dco.Infrastructure.Storage;

internal sealed class BlobStorageProbe(BlobServiceClient client) : IDependencyProbe
{
    public string Name => "blob";

    public async Task ProbeAsync(CancellationToken cancellationToken) =>
        await client.GetBlobContainerClient(StorageNames.AssetsIncoming).ExistsAsync(cancellationToken);
}

internal sealed class QueueStorageProbe(QueueServiceClient client) : IDependencyProbe
{
    public string Name => "queue";

    public async Task ProbeAsync(CancellationToken cancellationToken) =>
        await client.GetQueueClient(StorageNames.EventsQueue).ExistsAsync(cancellationToken);
}
