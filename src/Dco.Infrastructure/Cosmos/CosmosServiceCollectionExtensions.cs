using System.Text.Json.Serialization.Metadata;
using Dco.Infrastructure.Configuration;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Cosmos;

/// <summary>A caller's source-generated JSON metadata for the documents it stores.</summary>
public sealed record CosmosJsonContextRegistration(IJsonTypeInfoResolver Resolver);

public static class CosmosServiceCollectionExtensions
{
    /// <summary>Cosmos DB access: validated <see cref="CosmosOptions"/>, one client, stores, schema initializer, health probe.</summary>
    public static IServiceCollection AddDcoCosmos(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CosmosOptions>()
            .BindConfiguration(CosmosOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CosmosOptions>, CosmosOptionsRules>());
        services.TryAddSingleton(sp => new SystemTextJsonCosmosSerializer(
            sp.GetServices<CosmosJsonContextRegistration>().Select(r => r.Resolver)));
        services.TryAddSingleton(sp => CosmosClientFactory.Create(
            sp.GetRequiredService<IOptions<CosmosOptions>>().Value,
            sp.GetRequiredService<SystemTextJsonCosmosSerializer>()));
        services.TryAddSingleton<CosmosStores>();
        services.TryAddSingleton<CosmosSchemaInitializer>();
        services.TryAddSingleton<CosmosHealthProbe>();
        services.AddHostedService<CosmosSchemaStartup>();
        return services;
    }

    /// <summary>Registers a source-generated context (e.g. <c>MyJsonContext.Default</c>) for documents stored in Cosmos DB.</summary>
    public static IServiceCollection AddCosmosJsonContext(this IServiceCollection services, IJsonTypeInfoResolver context)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(context);
        services.AddSingleton(new CosmosJsonContextRegistration(context));
        return services;
    }
}
