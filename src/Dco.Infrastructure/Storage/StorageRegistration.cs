using Azure.Storage.Queues;
using Dco.Infrastructure.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.Infrastructure.Storage;

internal static class StorageRegistration
{
    /// <summary>Blob and queue clients on the app's storage account (AzureWebJobsStorage), with health probes.</summary>
    public static IServiceCollection AddDcoStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp => StorageAccount.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => sp.GetRequiredService<StorageAccount>().CreateBlobServiceClient());
        // Base64, like the Functions host's queue trigger default (host.json messageEncoding).
        services.AddSingleton(sp => sp.GetRequiredService<StorageAccount>().CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
        services.AddSingleton<IDependencyProbe, BlobStorageProbe>();
        services.AddSingleton<IDependencyProbe, QueueStorageProbe>();
        services.AddSingleton<DependencyHealth>();
        services.AddSingleton<StorageSchemaInitializer>();
        services.AddSingleton<Seeding.LocalEnvironmentSeeder>();
        return services;
    }
}
