using System.Security.Cryptography;
using System.Text;
using Dco.DevHost.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Dco.DevHost.Http;

/// <summary>
/// Enforces <see cref="AuthorizationLevel"/> with keys from configuration, like the Functions host:
/// the key comes in the <c>x-functions-key</c> header or the <c>code</c> query parameter; the master
/// key passes every level; function keys pass <c>Function</c>; <c>Admin</c> needs the master key.
/// </summary>
public sealed class FunctionKeyAuthorizer(IOptionsMonitor<DevHostOptions> options)
{
    public const string KeyHeader = "x-functions-key";

    public bool IsAuthorized(HttpRequest request, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        string? presented = request.Headers[KeyHeader];
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query["code"];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var current = options.CurrentValue;
        if (Matches(presented, current.MasterKey))
        {
            return true;
        }

        if (level is AuthorizationLevel.Admin or AuthorizationLevel.System)
        {
            return false;
        }

        var any = false;
        foreach (var key in current.FunctionKeys.Values)
        {
            any |= Matches(presented, key); // no early exit: time does not depend on which key matched
        }

        return any;
    }

    private static bool Matches(string presented, string? expected) =>
        !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
