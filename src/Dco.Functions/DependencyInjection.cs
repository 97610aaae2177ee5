using Dco.Functions.OpenApi;
using Dco.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Dco.Functions;

/// <summary>The one registration shared by the Functions host and <c>Dco.DevHost</c>.</summary>
public static class DependencyInjection
{
    public static IHostApplicationBuilder AddDcoFunctions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDcoInfrastructure();
        builder.Services.AddDcoOpenApi();
        return builder;
    }
}
