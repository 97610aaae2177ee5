using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Dco.Core.Serving.Tracking;

/// <summary>
/// Signs and verifies tracking tokens: <c>base64url(payload) "." base64url(HMAC-SHA256(key, payload))</c>.
/// </summary>
/// <remarks>
/// Payload v1 (binary, big-endian): version(1) kind(1) expiresUnixSeconds(8) originTag(8), then
/// length-prefixed UTF-8 strings (1-byte length): keyId, decisionId, campaignId, combinationId, assetId
/// (length 0 = none). The origin tag is the first 8 bytes of HMAC(key, 'O' ‖ keyId ‖ decisionId):
/// it lets verification tell a token we issued and someone altered (tag checks, MAC does not) from one
/// made up from nothing (neither checks). Verification never throws on input and compares in constant time.
/// </remarks>
public sealed class TrackingTokenSigner
{
    /// <summary>Longest token text accepted; anything longer is refused before any decoding.</summary>
    public const int MaximumTokenLength = 1400;

    /// <summary>Longest UTF-8 encoding of each id in a token.</summary>
    public const int MaximumIdBytes = 200;

    private const byte PayloadVersion = 1;
    private const int HeaderLength = 1 + 1 + 8 + OriginTagLength;
    private const int OriginTagLength = 8;
    private const int MacLength = 32;
    private const int MaximumPayloadLength = HeaderLength + (5 * (1 + MaximumIdBytes));
    private const byte OriginDomain = (byte)'O';

    private readonly SigningKeyRing keys;
    private readonly TimeProvider time;
    private readonly TimeSpan clockSkew;

    /// <param name="clockSkew">How long past its expiry a token is still accepted (defaults to 30 s) to absorb clock drift between servers.</param>
    public TrackingTokenSigner(SigningKeyRing keys, TimeProvider time, TimeSpan? clockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        var skew = clockSkew ?? TimeSpan.FromSeconds(30);
        ArgumentOutOfRangeException.ThrowIfLessThan(skew, TimeSpan.Zero, nameof(clockSkew));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(skew, TimeSpan.FromMinutes(10), nameof(clockSkew));
        this.keys = keys;
        this.time = time;
        this.clockSkew = skew;
    }

    /// <summary>Signs <paramref name="token"/> with the active key. Ids must be non-empty and at most <see cref="MaximumIdBytes"/> UTF-8 bytes.</summary>
    public string Sign(TrackingToken token) => Sign(token, "");

    /// <summary>
    /// <paramref name="prefix"/> followed by the signed token, built as one string: a tracking URL such as
    /// <c>https://host/api/t/c?t=</c> + token, without the token's own string on the way.
    /// </summary>
    public string Sign(TrackingToken token, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(token);
        if (token.Kind is not (TrackingEventKind.Impression or TrackingEventKind.Click))
        {
            throw new ArgumentException($"Cannot sign a token of kind '{token.Kind}'.", nameof(token));
        }

        var key = keys.Active;
        Span<byte> payload = stackalloc byte[MaximumPayloadLength];
        payload[0] = PayloadVersion;
        payload[1] = (byte)token.Kind;
        BinaryPrimitives.WriteInt64BigEndian(payload[2..], token.ExpiresAt.ToUnixTimeSeconds());
        var length = HeaderLength;
        var keyIdStart = length;
        length += WriteId(payload[length..], key.Id, "key id", required: true);
        length += WriteId(payload[length..], token.DecisionId, nameof(token.DecisionId), required: true);
        var decisionEnd = length;
        length += WriteId(payload[length..], token.CampaignId, nameof(token.CampaignId), required: true);
        length += WriteId(payload[length..], token.CombinationId, nameof(token.CombinationId), required: true);
        length += WriteId(payload[length..], token.AssetId, nameof(token.AssetId), required: false);
        payload = payload[..length];

        IssuedOriginTag(key.Secret, payload[keyIdStart..decisionEnd], payload.Slice(10, OriginTagLength));
        Span<byte> mac = stackalloc byte[MacLength];
        KeyedHmac.Compute(key.Secret, payload, mac);

        var payloadChars = Base64Url.GetEncodedLength(payload.Length);
        var macChars = Base64Url.GetEncodedLength(MacLength);
        Span<char> text = stackalloc char[payloadChars + 1 + macChars];
        Base64Url.EncodeToChars(payload, text);
        text[payloadChars] = '.';
        Base64Url.EncodeToChars(mac, text[(payloadChars + 1)..]);
        return string.Concat(prefix.AsSpan(), text);
    }

    /// <summary>Checks a token; never throws on any input.</summary>
    /// <param name="expectedKind">The kind the calling endpoint handles; <see cref="TrackingEventKind.None"/> accepts either.</param>
    public TrackingTokenVerification Verify(string? token, TrackingEventKind expectedKind = TrackingEventKind.None)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaximumTokenLength)
        {
            return new(TrackingTokenStatus.Malformed);
        }

        var text = token.AsSpan();
        var dot = text.IndexOf('.');
        if (dot <= 0 || dot != text.LastIndexOf('.'))
        {
            return new(TrackingTokenStatus.Malformed);
        }

        Span<byte> payload = stackalloc byte[MaximumTokenLength];
        Span<byte> mac = stackalloc byte[MacLength + 3];
        if (!TryDecode(text[..dot], payload, out var payloadLength)
            || !TryDecode(text[(dot + 1)..], mac, out var macLength)
            || macLength != MacLength)
        {
            return new(TrackingTokenStatus.Malformed);
        }

        payload = payload[..payloadLength];
        mac = mac[..MacLength];
        if (!TryParse(payload, out var parsed))
        {
            return new(TrackingTokenStatus.Malformed);
        }

        var keyId = Encoding.ASCII.GetString(payload[parsed.KeyId]);
        if (!keys.TryGetKey(keyId, out var key))
        {
            return new(TrackingTokenStatus.UnknownKey, KeyId: keyId);
        }

        var now = time.GetUtcNow();
        if (key.IsRetiredAt(now))
        {
            return new(TrackingTokenStatus.RetiredKey, KeyId: keyId);
        }

        Span<byte> expectedMac = stackalloc byte[MacLength];
        KeyedHmac.Compute(key.Secret, payload, expectedMac);
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, mac))
        {
            Span<byte> expectedTag = stackalloc byte[OriginTagLength];
            OriginTag(key.Secret, payload[parsed.KeyIdStart..parsed.DecisionEnd], expectedTag);
            var tagChecks = CryptographicOperations.FixedTimeEquals(expectedTag, payload.Slice(10, OriginTagLength));
            return new(tagChecks ? TrackingTokenStatus.Tampered : TrackingTokenStatus.Forged, KeyId: keyId);
        }

        var claims = new TrackingToken(
            (TrackingEventKind)parsed.Kind,
            Encoding.UTF8.GetString(payload[parsed.DecisionId]),
            Encoding.UTF8.GetString(payload[parsed.CampaignId]),
            Encoding.UTF8.GetString(payload[parsed.CombinationId]),
            IsEmpty(parsed.AssetId) ? null : Encoding.UTF8.GetString(payload[parsed.AssetId]),
            DateTimeOffset.FromUnixTimeSeconds(parsed.ExpiresUnixSeconds));

        if (expectedKind != TrackingEventKind.None && claims.Kind != expectedKind)
        {
            return new(TrackingTokenStatus.WrongKind, claims, keyId);
        }

        if (now > claims.ExpiresAt + clockSkew)
        {
            return new(TrackingTokenStatus.Expired, claims, keyId);
        }

        return new(TrackingTokenStatus.Valid, claims, keyId);
    }

    /// <summary>
    /// The origin tag of a token being issued. It depends on the key and decision only, and a decision's
    /// tokens (its impression and each click) are signed one after another on one thread: the last
    /// tag is kept per thread, so a decision costs one tag HMAC rather than one per token.
    /// </summary>
    private static void IssuedOriginTag(byte[] secret, ReadOnlySpan<byte> keyAndDecision, Span<byte> destination)
    {
        var last = lastIssuedTag ??= new IssuedTag();
        if (!ReferenceEquals(last.Secret, secret) || !keyAndDecision.SequenceEqual(last.KeyAndDecision.AsSpan(0, last.Length)))
        {
            OriginTag(secret, keyAndDecision, last.Tag);
            last.Secret = secret;
            keyAndDecision.CopyTo(last.KeyAndDecision);
            last.Length = keyAndDecision.Length;
        }

        last.Tag.CopyTo(destination);
    }

    [ThreadStatic]
    private static IssuedTag? lastIssuedTag;

    private sealed class IssuedTag
    {
        public byte[]? Secret { get; set; }

        public byte[] KeyAndDecision { get; } = new byte[2 * (1 + MaximumIdBytes)];

        public int Length { get; set; }

        public byte[] Tag { get; } = new byte[OriginTagLength];
    }

    private static void OriginTag(byte[] secret, ReadOnlySpan<byte> keyAndDecision, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + keyAndDecision.Length];
        input[0] = OriginDomain;
        keyAndDecision.CopyTo(input[1..]);
        Span<byte> full = stackalloc byte[MacLength];
        KeyedHmac.Compute(secret, input, full);
        full[..OriginTagLength].CopyTo(destination);
    }

    private static int WriteId(Span<byte> destination, string? value, string name, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                throw new ArgumentException($"{name} is required in a tracking token.", nameof(value));
            }

            destination[0] = 0;
            return 1;
        }

        if (!Encoding.UTF8.TryGetBytes(value, destination.Slice(1, MaximumIdBytes), out var written))
        {
            throw new ArgumentException($"{name} is longer than {MaximumIdBytes} UTF-8 bytes.", nameof(value));
        }

        destination[0] = (byte)written;
        return 1 + written;
    }

    private static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.IsEmpty || Base64Url.GetMaxDecodedLength(text.Length) > destination.Length)
        {
            return false;
        }

        foreach (var c in text)
        {
            // Base64Url's decoder skips whitespace and accepts padding; a token has neither.
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        // Done only for canonical text: non-zero unused bits in the last character are invalid data,
        // so no two token texts decode to the same bytes.
        var status = Base64Url.DecodeFromChars(text, destination, out var consumed, out written);
        return status == System.Buffers.OperationStatus.Done && consumed == text.Length;
    }

    private static bool TryParse(ReadOnlySpan<byte> payload, out ParsedPayload parsed)
    {
        parsed = default;
        if (payload.Length < HeaderLength || payload[0] != PayloadVersion
            || payload[1] is not ((byte)TrackingEventKind.Impression or (byte)TrackingEventKind.Click))
        {
            return false;
        }

        var expires = BinaryPrimitives.ReadInt64BigEndian(payload[2..]);
        if (expires < DateTimeOffset.MinValue.ToUnixTimeSeconds() || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        var position = HeaderLength;
        var keyIdStart = position;
        if (!TryReadId(payload, ref position, out var keyId) || !IsValidKeyId(payload[keyId])
            || !TryReadId(payload, ref position, out var decisionId) || IsEmpty(decisionId))
        {
            return false;
        }

        var decisionEnd = position;
        if (!TryReadId(payload, ref position, out var campaignId) || IsEmpty(campaignId)
            || !TryReadId(payload, ref position, out var combinationId) || IsEmpty(combinationId)
            || !TryReadId(payload, ref position, out var assetId)
            || position != payload.Length)
        {
            return false;
        }

        parsed = new ParsedPayload(payload[1], expires, keyIdStart, decisionEnd, keyId, decisionId, campaignId, combinationId, assetId);
        return true;
    }

    private static bool IsValidKeyId(ReadOnlySpan<byte> id)
    {
        if (id.IsEmpty || id.Length > SigningKey.MaximumIdLength)
        {
            return false;
        }

        foreach (var b in id)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_' || b == (byte)'-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsEmpty(Range range) => range.Start.Value == range.End.Value;

    private static bool TryReadId(ReadOnlySpan<byte> payload, ref int position, out Range value)
    {
        value = default;
        if (position >= payload.Length)
        {
            return false;
        }

        int length = payload[position];
        if (length > MaximumIdBytes || position + 1 + length > payload.Length)
        {
            return false;
        }

        value = new Range(position + 1, position + 1 + length);
        position += 1 + length;
        return true;
    }

    private readonly record struct ParsedPayload(
        byte Kind,
        long ExpiresUnixSeconds,
        int KeyIdStart,
        int DecisionEnd,
        Range KeyId,
        Range DecisionId,
        Range CampaignId,
        Range CombinationId,
        Range AssetId);
}
