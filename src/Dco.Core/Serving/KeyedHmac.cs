using System.Security.Cryptography;

namespace Dco.Core.Serving;

/// <summary>
/// HMAC-SHA256 with keyed contexts kept per thread: the hot path signs several tokens and hashes a
/// viewer id per request, and re-keying a fresh context for each (what the one-shot API does) costs
/// more than the hashing itself. A thread keeps a context for each of the last few keys it used (a
/// decide alternates the privacy key and the tracking key); a new key (rotation) replaces the oldest.
/// </summary>
internal static class KeyedHmac
{
    private const int ContextsPerThread = 4;

    [ThreadStatic]
    private static Context?[]? contexts;

    [ThreadStatic]
    private static int nextSlot;

    public static void Compute(byte[] secret, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hmac = For(secret);
        hmac.AppendData(data);
        hmac.GetHashAndReset(destination);
    }

    private static IncrementalHash For(byte[] secret)
    {
        var kept = contexts ??= new Context?[ContextsPerThread];
        foreach (var context in kept)
        {
            if (context is not null && ReferenceEquals(context.Secret, secret))
            {
                return context.Hmac;
            }
        }

        var slot = nextSlot;
        nextSlot = (slot + 1) % ContextsPerThread;
        kept[slot]?.Hmac.Dispose();
        var fresh = new Context(secret, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret));
        kept[slot] = fresh;
        return fresh.Hmac;
    }

    private sealed record Context(byte[] Secret, IncrementalHash Hmac);
}
