using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dco.Infrastructure.Campaigns;

public static class CampaignsServiceCollectionExtensions
{
    /// <summary>Campaign and brand kit stores, their managers, the catalog and a no-op change notifier (the snapshot cache replaces it).</summary>
    public static IServiceCollection AddDcoCampaigns(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCosmosJsonContext(CampaignsJsonContext.Default);
        services.TryAddSingleton<CampaignStores>();
        services.TryAddSingleton<ICampaignChangeNotifier, NullCampaignChangeNotifier>();
        services.TryAddSingleton<ICampaignCatalog, CosmosCampaignCatalog>();
        services.TryAddSingleton<CampaignManager>();
        services.TryAddSingleton<BrandKitManager>();
        return services;
    }
}
