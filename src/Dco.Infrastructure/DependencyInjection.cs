using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Health;
using Dco.Infrastructure.Learning;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Storage;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddDcoInfrastructure(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDcoStorage();
        builder.Services.AddDcoCosmos();
        // The shared serving documents (ServingDocuments.cs) are stored by serving, learning and management alike.
        builder.Services.AddCosmosJsonContext(ServingJsonContext.Default);
        builder.Services.AddSingleton<IDependencyProbe, CosmosDependencyProbe>();
        builder.Services.AddDcoServing();
        builder.Services.AddDcoLearningLoop();
        // Compares TRACKING with SERVING, so it is registered here where both sections are.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrackingOptions>, EventRetentionRules>());
        builder.Services.AddDcoCampaigns();
        return builder;
    }
}
