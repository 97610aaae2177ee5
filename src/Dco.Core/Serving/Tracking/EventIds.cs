using System.Security.Cryptography;
using System.Text;

namespace Dco.Core.Serving.Tracking;

/// <summary>
/// Deterministic event ids: the same real-world event always gets the same id, so the events store's
/// create-if-absent (409 on a duplicate) drops retries, double fires and replays.
/// </summary>
/// <remarks>
/// id = prefix + "_" + lowercase hex(SHA-256(kind ‖ fields)), where every field is written as its
/// UTF-8 byte length (4 bytes, big-endian) followed by its bytes, so no two field lists share an
/// encoding ("a|b"+"c" never collides with "a"+"b|c"). Impression: one per decision. Click: one per
/// (decision, asset), so repeated clicks on the same asset count once. Conversion: one per
/// (campaign, advertiser's order id), so a re-posted order counts once whatever batch it arrives in.
/// </remarks>
public static class EventIds
{
    public static string Impression(string decisionId) => Build("imp", decisionId);

    public static string Click(string decisionId, string assetId) => Build("clk", decisionId, assetId);

    public static string Conversion(string campaignId, string orderId) => Build("cnv", campaignId, orderId);

    private static string Build(string kind, params ReadOnlySpan<string> fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[256];
        Append(hash, kind, buffer);
        foreach (var field in fields)
        {
            ArgumentException.ThrowIfNullOrEmpty(field, nameof(fields));
            Append(hash, field, buffer);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return string.Concat(kind, "_", Convert.ToHexStringLower(digest));
    }

    private static void Append(IncrementalHash hash, string value, Span<byte> buffer)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, byteCount);
        hash.AppendData(length);
        if (byteCount <= buffer.Length)
        {
            var written = Encoding.UTF8.GetBytes(value, buffer);
            hash.AppendData(buffer[..written]);
        }
        else
        {
            hash.AppendData(Encoding.UTF8.GetBytes(value));
        }
    }
}
