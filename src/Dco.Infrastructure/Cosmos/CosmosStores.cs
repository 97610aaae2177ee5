using Dco.Infrastructure.Configuration;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Cosmos;

/// <summary>Hands out typed stores over the containers of the configured database.</summary>
public sealed class CosmosStores(CosmosClient client, IOptions<CosmosOptions> options)
{
    public string DatabaseName => options.Value.DatabaseName;

    public Database Database => client.GetDatabase(DatabaseName);

    /// <summary>A store over <paramref name="container"/>; the delegates read the document's id and partition-key value.</summary>
    public CosmosDocumentStore<T> For<T>(ContainerDefinition container, Func<T, string> idOf, Func<T, string> partitionKeyOf)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(container);
        return new(client.GetContainer(DatabaseName, container.Name), idOf, partitionKeyOf);
    }
}
