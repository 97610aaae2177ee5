using System.Security.Cryptography;
using CsCheck;
using Dco.Core.Serving;

namespace Dco.Core.Tests.Serving;

public sealed class KeyedHmacTests
{
    [Fact]
    public void Any_sequence_of_keys_gives_the_one_shot_hmac_of_each()
    {
        // More keys than a thread keeps contexts for, used in any order: reused, replaced and
        // re-created contexts must all give exactly HMAC-SHA256(key, data).
        var keys = Enumerable.Range(1, 6).Select(i => RandomNumberGenerator.GetBytes(32)).ToArray();
        Gen.Select(Gen.Int[0, keys.Length - 1], Gen.Byte.Array[0, 300]).Array[1, 30]
            .Sample(steps => steps.All(step =>
            {
                var (index, data) = step;
                Span<byte> mac = stackalloc byte[32];
                KeyedHmac.Compute(keys[index], data, mac);
                return mac.SequenceEqual(HMACSHA256.HashData(keys[index], data));
            }), iter: 300);
    }
}
