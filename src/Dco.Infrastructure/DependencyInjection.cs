using Microsoft.Extensions.DependencyInjection;
using Dco.Infrastructure.Storage;
using Microsoft.Extensions.Hosting;

namespace Dco.Infrastructure;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddDcoInfrastructure(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDcoStorage();
        return builder;
    }
}
