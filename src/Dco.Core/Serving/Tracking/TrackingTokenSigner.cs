using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Dco.Core.Serving.Tracking;

/// <summary>
/// Signs and verifies tracking tokens: <c>base64url(payload) "." base64url(HMAC-SHA256(key, payload))</c>.
/// </summary>
/// <remarks>
/// <para>
/// Payload v2, the one issued (binary, big-endian): version(1)=2 kind(1) expiresUnixSeconds(8) originTag(8), then
/// length-prefixed UTF-8 strings (1-byte length): keyId, decisionId, campaignId, assetId (length 0 = none).
/// </para>
/// <para>
/// Payload v1, issued before v2 and still verified: the same header with version 1, and a combinationId between
/// campaignId and assetId. v2 leaves the combination out: the stored decision holds it, and carrying it made every URL
/// longer by 4/3 of its length (~120 characters for a five-slot demo creative). A v1 token verifies with <see cref="TrackingToken.CombinationId"/> set; a v2 token with it null.
/// </para>
/// <para>
/// The origin tag (both versions) is the first 8 bytes of HMAC(key, 'O' ‖ keyId ‖ decisionId), each with its length
/// prefix: it lets verification tell a token we issued and someone altered (tag checks, MAC does not) from one made
/// up from nothing (neither checks). It depends on key and decision only, so <see cref="ForDecision"/> computes it once
/// for all of a decision's tokens. Verification never throws on input and compares in constant time.
/// </para>
/// </remarks>
public sealed class TrackingTokenSigner
{
    /// <summary>Longest token text accepted; anything longer is refused before any decoding.</summary>
    public const int MaximumTokenLength = 1400;

    /// <summary>Longest UTF-8 encoding of each id in a token.</summary>
    public const int MaximumIdBytes = 200;

    /// <summary>The payload version <see cref="Sign(TrackingToken)"/> and <see cref="ForDecision"/> issue.</summary>
    internal const byte PayloadVersion = 2;
    internal const byte LegacyPayloadVersion = 1;
    internal const int OriginTagOffset = 1 + 1 + 8;
    internal const int OriginTagLength = 8;
    internal const int HeaderLength = OriginTagOffset + OriginTagLength;
    internal const int MacLength = 32;

    /// <summary>Longest v2 payload: header, then key id, decision id, campaign id and asset id.</summary>
    internal const int MaximumPayloadLength = HeaderLength + (4 * (1 + MaximumIdBytes));
    private const byte OriginDomain = (byte)'O';

    private readonly SigningKeyRing keys;
    private readonly TimeProvider time;
    private readonly TimeSpan clockSkew;

    /// <param name="keys">The key ring: its active key signs, every key in it verifies until retired.</param>
    /// <param name="time">The clock expiry and key retirement are judged by.</param>
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

    /// <summary>
    /// Signs <paramref name="token"/> with the active key (payload v2). Ids must be non-empty and at most
    /// <see cref="MaximumIdBytes"/> UTF-8 bytes; <see cref="TrackingToken.CombinationId"/> must be null.
    /// </summary>
    public string Sign(TrackingToken token) => Sign(token, "");

    /// <summary>
    /// <paramref name="prefix"/> followed by the signed token, built as one string: a tracking URL such as
    /// <c>https://host/api/t/c?t=</c> + token, without the token's own string on the way. To sign several
    /// tokens of one decision, <see cref="ForDecision"/> is cheaper and gives the same text.
    /// </summary>
    public string Sign(TrackingToken token, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(token);
        DecisionTokenSigner.RequireSignableKind(token.Kind, nameof(token));
        if (token.CombinationId is not null)
        {
            throw new ArgumentException(
                "CombinationId is not carried by tracking tokens since payload v2 (the stored decision holds the combination); leave it null.",
                nameof(token));
        }

        return ForDecision(token.DecisionId, token.CampaignId, token.ExpiresAt).Sign(token.Kind, token.AssetId, prefix);
    }

    /// <summary>
    /// A signer for the tokens of one decision (its impression and each click) under the active key: the
    /// origin tag and the decision's part of the payload are worked out here once, not once per token.
    /// Its tokens are the same text <see cref="Sign(TrackingToken, string)"/> gives for each.
    /// </summary>
    /// <param name="decisionId">The decision's id; non-empty, at most <see cref="MaximumIdBytes"/> UTF-8 bytes.</param>
    /// <param name="campaignId">The decision's campaign id; non-empty, at most <see cref="MaximumIdBytes"/> UTF-8 bytes.</param>
    /// <param name="expiresAt">When the tokens expire (kept to the second).</param>
    /// <exception cref="ArgumentException">An id is missing or too long.</exception>
    public DecisionTokenSigner ForDecision(string decisionId, string campaignId, DateTimeOffset expiresAt)
    {
        var key = keys.Active;
        Span<byte> head = stackalloc byte[HeaderLength + (3 * (1 + MaximumIdBytes))];
        head[0] = PayloadVersion;
        BinaryPrimitives.WriteInt64BigEndian(head[2..], expiresAt.ToUnixTimeSeconds());
        var length = HeaderLength;
        length += WriteId(head[length..], key.Id, "key id", required: true);
        length += WriteId(head[length..], decisionId, nameof(decisionId), required: true);
        var decisionEnd = length;
        length += WriteId(head[length..], campaignId, nameof(campaignId), required: true);

        OriginTag(key.Secret, head[HeaderLength..decisionEnd], head.Slice(OriginTagOffset, OriginTagLength));
        return new DecisionTokenSigner(key.Secret, head[..length].ToArray());
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
            OriginTag(key.Secret, payload[HeaderLength..parsed.DecisionEnd], expectedTag);
            var tagChecks = CryptographicOperations.FixedTimeEquals(expectedTag, payload.Slice(OriginTagOffset, OriginTagLength));
            return new(tagChecks ? TrackingTokenStatus.Tampered : TrackingTokenStatus.Forged, KeyId: keyId);
        }

        var claims = new TrackingToken(
            (TrackingEventKind)parsed.Kind,
            Encoding.UTF8.GetString(payload[parsed.DecisionId]),
            Encoding.UTF8.GetString(payload[parsed.CampaignId]),
            parsed.CombinationId is { } combination ? Encoding.UTF8.GetString(payload[combination]) : null,
            IsEmpty(parsed.AssetId) ? null : Encoding.UTF8.GetString(payload[parsed.AssetId]),
            DateTimeOffset.FromUnixTimeSeconds(parsed.ExpiresUnixSeconds));

        if (expectedKind != TrackingEventKind.None && claims.Kind != expectedKind)
        {
            return new(TrackingTokenStatus.WrongKind, claims, keyId);
        }

        // The difference of two instants always fits a TimeSpan; expiry + skew overflows for a v2 expiry near year 10000.
        if (now - claims.ExpiresAt > clockSkew)
        {
            return new(TrackingTokenStatus.Expired, claims, keyId);
        }

        return new(TrackingTokenStatus.Valid, claims, keyId);
    }

    /// <summary>The first <see cref="OriginTagLength"/> bytes of HMAC(key, 'O' ‖ keyAndDecision).</summary>
    private static void OriginTag(byte[] secret, ReadOnlySpan<byte> keyAndDecision, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + keyAndDecision.Length];
        input[0] = OriginDomain;
        keyAndDecision.CopyTo(input[1..]);
        Span<byte> full = stackalloc byte[MacLength];
        KeyedHmac.Compute(secret, input, full);
        full[..OriginTagLength].CopyTo(destination);
    }

    /// <summary>Writes <paramref name="value"/> with its 1-byte length prefix; returns the bytes written.</summary>
    internal static int WriteId(Span<byte> destination, string? value, string name, bool required)
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
        if (payload.Length < HeaderLength || payload[0] is not (PayloadVersion or LegacyPayloadVersion)
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
        if (!TryReadId(payload, ref position, out var keyId) || !IsValidKeyId(payload[keyId])
            || !TryReadId(payload, ref position, out var decisionId) || IsEmpty(decisionId))
        {
            return false;
        }

        var decisionEnd = position;
        if (!TryReadId(payload, ref position, out var campaignId) || IsEmpty(campaignId))
        {
            return false;
        }

        Range? combinationId = null;
        if (payload[0] == LegacyPayloadVersion)
        {
            if (!TryReadId(payload, ref position, out var combination) || IsEmpty(combination))
            {
                return false;
            }

            combinationId = combination;
        }

        if (!TryReadId(payload, ref position, out var assetId) || position != payload.Length)
        {
            return false;
        }

        parsed = new ParsedPayload(payload[1], expires, decisionEnd, keyId, decisionId, campaignId, combinationId, assetId);
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
        int DecisionEnd,
        Range KeyId,
        Range DecisionId,
        Range CampaignId,
        Range? CombinationId,
        Range AssetId);
}

/// <summary>
/// Signs the tokens of one decision under one origin tag (<see cref="TrackingTokenSigner.ForDecision"/>):
/// the key, decision, campaign and expiry are fixed and already encoded, so each token costs one HMAC.
/// Immutable and safe to use from several threads.
/// </summary>
public sealed class DecisionTokenSigner
{
    private readonly byte[] secret;

    // The v2 payload up to the asset id, origin tag included; each token sets the kind byte and appends its asset.
    private readonly byte[] head;

    internal DecisionTokenSigner(byte[] secret, byte[] head)
    {
        this.secret = secret;
        this.head = head;
    }

    /// <summary><paramref name="prefix"/> followed by a signed token of this decision.</summary>
    /// <param name="kind">Impression or click.</param>
    /// <param name="assetId">The clicked asset (null or empty: none, as on an impression token); at most <see cref="TrackingTokenSigner.MaximumIdBytes"/> UTF-8 bytes.</param>
    /// <param name="prefix">Text put before the token, e.g. <c>https://host/api/t/c?t=</c>; empty for the bare token.</param>
    /// <exception cref="ArgumentException">The kind is not impression or click, or the asset id is too long.</exception>
    public string Sign(TrackingEventKind kind, string? assetId, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        RequireSignableKind(kind, nameof(kind));

        Span<byte> payload = stackalloc byte[TrackingTokenSigner.MaximumPayloadLength];
        head.CopyTo(payload);
        payload[1] = (byte)kind;
        var length = head.Length + TrackingTokenSigner.WriteId(payload[head.Length..], assetId, nameof(assetId), required: false);
        payload = payload[..length];

        Span<byte> mac = stackalloc byte[TrackingTokenSigner.MacLength];
        KeyedHmac.Compute(secret, payload, mac);

        var payloadChars = Base64Url.GetEncodedLength(payload.Length);
        var macChars = Base64Url.GetEncodedLength(TrackingTokenSigner.MacLength);
        Span<char> text = stackalloc char[payloadChars + 1 + macChars];
        Base64Url.EncodeToChars(payload, text);
        text[payloadChars] = '.';
        Base64Url.EncodeToChars(mac, text[(payloadChars + 1)..]);
        return string.Concat(prefix.AsSpan(), text);
    }

    internal static void RequireSignableKind(TrackingEventKind kind, string parameterName)
    {
        if (kind is not (TrackingEventKind.Impression or TrackingEventKind.Click))
        {
            throw new ArgumentException($"Cannot sign a token of kind '{kind}'.", parameterName);
        }
    }
}
