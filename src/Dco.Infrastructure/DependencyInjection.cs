using Dco.Infrastructure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dco.Infrastructure;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddDcoInfrastructure(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDcoCosmos();
        return builder;
    }
}
