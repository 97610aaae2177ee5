using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Dco.DevHost.Hosting;

/// <summary>Resolves <c>%name%</c> placeholders in trigger attributes from configuration, as the host does.</summary>
public static partial class SettingResolver
{
    public static string Resolve(IConfiguration configuration, string value, string functionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Placeholder().Replace(value, match =>
        {
            var key = match.Groups[1].Value;
            return configuration[key]
                   ?? throw new InvalidOperationException($"Function '{functionName}' refers to app setting '%{key}%', which is not set.");
        });
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Placeholder();
}
