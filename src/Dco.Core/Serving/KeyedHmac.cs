using System.Security.Cryptography;

namespace Dco.Core.Serving;

/// <summary>
/// HMAC-SHA256 with a keyed context kept per thread: the hot path signs several tokens and hashes a
/// viewer id per request, and re-keying a fresh context for each (what the one-shot API does) costs
/// more than the hashing itself. A context is rebuilt when a different key is used (rotation).
/// </summary>
internal static class KeyedHmac
{
    [ThreadStatic]
    private static Context? current;

    public static void Compute(byte[] secret, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var context = current;
        if (context is null || !ReferenceEquals(context.Secret, secret))
        {
            context?.Hmac.Dispose();
            context = new Context(secret, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret));
            current = context;
        }

        context.Hmac.AppendData(data);
        context.Hmac.GetHashAndReset(destination);
    }

    private sealed record Context(byte[] Secret, IncrementalHash Hmac);
}
