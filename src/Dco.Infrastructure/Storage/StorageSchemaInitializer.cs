using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Dco.Infrastructure.Storage;

/// <summary>Creates the platform's blob containers and queues if they are missing (idempotent).</summary>
public sealed class StorageSchemaInitializer(BlobServiceClient blobs, QueueServiceClient queues)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var container in StorageNames.Containers)
        {
            await blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        foreach (var queue in StorageNames.Queues)
        {
            await queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }
}
