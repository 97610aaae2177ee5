using System.Collections.Concurrent;
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

    /// <summary>Claim type the Functions host puts on key-authorized requests; the value is the key's level.</summary>
    public const string AuthLevelClaimType = "http://schemas.microsoft.com/2017/07/functions/claims/authlevel";

    // Digest per configured key (a handful, changed only by reconfiguration).
    private readonly ConcurrentDictionary<string, byte[]> digests = new(StringComparer.Ordinal);

    public bool IsAuthorized(HttpRequest request, AuthorizationLevel level) => Authorize(request, level) is not null;

    /// <summary>The level of the key presented (Admin for the master key, Function for a function key), or null when refused.</summary>
    public AuthorizationLevel? Authorize(HttpRequest request, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        var granted = Presented(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return granted ?? AuthorizationLevel.Anonymous;
        }

        return granted is null || (level is AuthorizationLevel.Admin or AuthorizationLevel.System && granted != AuthorizationLevel.Admin) ? null : granted;
    }

    private AuthorizationLevel? Presented(HttpRequest request)
    {
        string? presented = request.Headers[KeyHeader];
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query["code"];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        // Compared as SHA-256 digests in constant time, so neither length nor content leaks; the
        // configured keys' digests are computed once, the presented key's once per request.
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        var current = options.CurrentValue;
        if (Matches(digest, current.MasterKey))
        {
            return AuthorizationLevel.Admin;
        }

        var any = false;
        foreach (var key in current.FunctionKeys.Values)
        {
            any |= Matches(digest, key); // no early exit: time does not depend on which key matched
        }

        return any ? AuthorizationLevel.Function : null;
    }

    private bool Matches(ReadOnlySpan<byte> presentedDigest, string? expected) =>
        !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(presentedDigest, digests.GetOrAdd(expected, static key => SHA256.HashData(Encoding.UTF8.GetBytes(key))));
}
