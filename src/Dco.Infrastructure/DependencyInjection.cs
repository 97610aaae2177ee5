using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Health;
using Dco.Infrastructure.Learning;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dco.Infrastructure;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddDcoInfrastructure(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDcoStorage();
        builder.Services.AddDcoCosmos();
        builder.Services.AddSingleton<IDependencyProbe, CosmosDependencyProbe>();
        builder.Services.AddDcoServing();
        builder.Services.AddDcoLearningLoop();
        builder.Services.AddDcoCampaigns();
        return builder;
    }
}
