using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dco.Core.Serving.Tracking;

namespace Dco.Core.Serving.Privacy;

/// <summary>
/// Turns a raw viewer id into the pseudonymous <c>userKey</c> that is stored and logged instead:
/// <c>keyId "." base64url(HMAC-SHA256(key, "viewer:" ‖ UTF-8 id))</c>. The raw id is never kept; the key id
/// prefix lets keys rotate (a new key starts a new pseudonym space; lookups under the previous key use
/// <see cref="Pseudonymize(string, string)"/> until its profiles expire).
/// </summary>
public sealed class ViewerPseudonymizer(SigningKeyRing keys)
{
    /// <summary>Longest raw viewer id accepted, in characters.</summary>
    public const int MaximumViewerIdLength = 512;

    private static ReadOnlySpan<byte> Domain => "viewer:"u8;

    /// <summary>Null when <paramref name="rawViewerId"/> is usable, otherwise the reason it is not (for a field error).</summary>
    public static string? Validate(string? rawViewerId)
    {
        if (string.IsNullOrWhiteSpace(rawViewerId))
        {
            return "The viewer id is required and cannot be blank.";
        }

        if (rawViewerId.Length > MaximumViewerIdLength)
        {
            return $"The viewer id is longer than {MaximumViewerIdLength} characters.";
        }

        for (var i = 0; i < rawViewerId.Length; i++)
        {
            var c = rawViewerId[i];
            if (char.IsHighSurrogate(c) && i + 1 < rawViewerId.Length && char.IsLowSurrogate(rawViewerId[i + 1]))
            {
                i++;
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                return "The viewer id contains control characters or broken UTF-16.";
            }
        }

        return null;
    }

    /// <summary>The user key under the active key.</summary>
    public string Pseudonymize(string rawViewerId) => Pseudonymize(rawViewerId, keys.Active.Id);

    /// <summary>The user key under a specific (possibly previous) key, for lookups during rotation.</summary>
    public string Pseudonymize(string rawViewerId, string keyId)
    {
        var error = Validate(rawViewerId);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(rawViewerId));
        }

        if (!keys.TryGetKey(keyId, out var key))
        {
            throw new ArgumentException($"Key '{keyId}' is not in the key ring.", nameof(keyId));
        }

        Span<byte> input = stackalloc byte[Domain.Length + (MaximumViewerIdLength * 3)];
        Domain.CopyTo(input);
        var written = Encoding.UTF8.GetBytes(rawViewerId, input[Domain.Length..]);
        Span<byte> mac = stackalloc byte[32];
        KeyedHmac.Compute(key.Secret, input[..(Domain.Length + written)], mac);

        var encodedLength = Base64Url.GetEncodedLength(mac.Length);
        Span<char> text = stackalloc char[SigningKey.MaximumIdLength + 1 + encodedLength];
        key.Id.AsSpan().CopyTo(text);
        text[key.Id.Length] = '.';
        Base64Url.EncodeToChars(mac, text[(key.Id.Length + 1)..]);
        return new string(text[..(key.Id.Length + 1 + encodedLength)]);
    }
}
