using Dco.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Cosmos;

/// <summary>The rules on <see cref="CosmosOptions"/> that data annotations cannot state, checked at start-up.</summary>
public sealed class CosmosOptionsRules : IValidateOptions<CosmosOptions>
{
    public ValidateOptionsResult Validate(string? name, CosmosOptions options)
    {
        var problem = Validate(options);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
    }

    /// <summary>The first broken rule as a message naming the setting, or null when the options are usable.</summary>
    public static string? Validate(CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.AccountEndpoint;
        if (endpoint is null)
        {
            return $"{CosmosOptions.SectionName}:accountEndpoint is not set (for example https://<account>.documents.azure.com:443/).";
        }

        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            return $"{CosmosOptions.SectionName}:accountEndpoint '{endpoint}' must be an absolute https URL.";
        }

        if (options.AllowInsecureLoopback && !endpoint.IsLoopback)
        {
            return $"{CosmosOptions.SectionName}:allowInsecureLoopback is only for a local emulator, but accountEndpoint '{endpoint}' is not a loopback address.";
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && !options.AllowInsecureLoopback)
        {
            return $"{CosmosOptions.SectionName}:accountEndpoint '{endpoint}' uses plain http, which is accepted only for a loopback emulator with {CosmosOptions.SectionName}:allowInsecureLoopback=true.";
        }

        if (string.IsNullOrWhiteSpace(options.DatabaseName))
        {
            return $"{CosmosOptions.SectionName}:databaseName is empty.";
        }

        return null;
    }
}
