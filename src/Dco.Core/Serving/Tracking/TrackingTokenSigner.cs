using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Dco.Core.Serving.Tracking;

/// <summary>
/// Signs and verifies tracking tokens: <c>base64url(payload) "." base64url(MAC)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Payload v3, the one issued (binary, big-endian): version(1)=3 kind(1) expiresUnixSeconds(4, unsigned: 1970 to
/// 2106) originTag(8), then keyId (1-byte length, ASCII), decisionId, campaignId and assetId (1-byte length, UTF-8;
/// asset length 0 = none). A decision id of the platform's shape (32 lowercase hex characters, '-', index 0..127; see
/// <see cref="PackedDecisionId"/>) is written as the tag byte 0xFF, its 16 bytes and the index byte; any other as
/// length and UTF-8, like the other ids (at most 200 bytes, so its length is never 0xFF). The MAC is
/// HMAC-SHA256(key, payload) truncated to its first 16 bytes (128 bits; RFC 2104 section 5 allows truncation to half
/// the hash or more). v3 exists for length: every decide response carries about eight tracking URLs, and the packed
/// decision id, the 4-byte expiry and the shorter MAC take a served click token from 155 characters to 106.
/// Each payload has one encoding: verification refuses a platform-shaped decision id written as text, an index above
/// 127 and an id that is not valid UTF-8.
/// </para>
/// <para>
/// Payload v2, issued before v3 and still verified: version 2, an 8-byte signed expiry, every id as length and
/// UTF-8, and the full 32-byte HMAC-SHA256 as MAC.
/// </para>
/// <para>
/// Payload v1, issued before v2 and still verified: v2's layout with version 1 and a combinationId between
/// campaignId and assetId. v2 left the combination out: the stored decision holds it, and carrying it made every URL
/// longer by 4/3 of its length (~120 characters for a five-slot demo creative). A v1 token verifies with
/// <see cref="TrackingToken.CombinationId"/> set; v2 and v3 tokens with it null.
/// </para>
/// <para>
/// Each version's MAC has one length (v3 16 bytes, v1 and v2 32): a token whose MAC has the other length is
/// <see cref="TrackingTokenStatus.Malformed"/>, a shape error found before any key is looked up, like a wrong id
/// length. The version byte is the first byte the MAC covers, so no version's MAC checks under another's.
/// </para>
/// <para>
/// The origin tag (every version) is the first 8 bytes of HMAC(key, 'O' ‖ keyId ‖ decisionId), each written as in
/// the payload, prefix included: it lets verification tell a token we issued and someone altered (tag checks, MAC
/// does not) from one made up from nothing (neither checks). It depends on key and decision only, so
/// <see cref="ForDecision"/> computes it once for all of a decision's tokens. Verification never throws on input and
/// compares in constant time.
/// </para>
/// </remarks>
public sealed class TrackingTokenSigner
{
    /// <summary>Longest token text accepted; anything longer is refused before any decoding.</summary>
    public const int MaximumTokenLength = 1400;

    /// <summary>Longest UTF-8 encoding of each id in a token.</summary>
    public const int MaximumIdBytes = 200;

    /// <summary>The payload version <see cref="Sign(TrackingToken)"/> and <see cref="ForDecision"/> issue.</summary>
    internal const byte PayloadVersion = 3;
    internal const byte V2PayloadVersion = 2;
    internal const byte V1PayloadVersion = 1;

    internal const int OriginTagLength = 8;
    internal const int OriginTagOffset = 1 + 1 + 4;
    internal const int HeaderLength = OriginTagOffset + OriginTagLength;

    /// <summary>v3's MAC: the first 16 bytes of the HMAC.</summary>
    internal const int MacLength = 16;

    /// <summary>The decision id tag byte of a packed id in v3; a text id's length is at most <see cref="MaximumIdBytes"/>.</summary>
    internal const byte PackedDecisionIdTag = 0xFF;

    // v1 and v2: an 8-byte expiry and the whole HMAC as MAC.
    internal const int LegacyOriginTagOffset = 1 + 1 + 8;
    internal const int LegacyHeaderLength = LegacyOriginTagOffset + OriginTagLength;
    internal const int LegacyMacLength = HMACSHA256.HashSizeInBytes;

    /// <summary>Longest v3 payload: header, then key id, decision id, campaign id and asset id.</summary>
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
    /// Signs <paramref name="token"/> with the active key (payload v3). Ids must be non-empty and at most
    /// <see cref="MaximumIdBytes"/> UTF-8 bytes; <see cref="TrackingToken.CombinationId"/> must be null; the expiry
    /// must fall between 1970 and 2106 (v3 keeps it in 32 bits).
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
    /// <param name="expiresAt">When the tokens expire (kept to the second); from 1970-01-01 to 2106-02-07T06:28:15Z.</param>
    /// <exception cref="ArgumentException">An id is missing or too long, or the expiry is out of range.</exception>
    public DecisionTokenSigner ForDecision(string decisionId, string campaignId, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        if (expires is < 0 or > uint.MaxValue)
        {
            throw new ArgumentException(
                $"A tracking token's expiry must fall between 1970-01-01T00:00:00Z and 2106-02-07T06:28:15Z (Unix seconds in 32 bits); was {expiresAt:O}.",
                nameof(expiresAt));
        }

        var key = keys.Active;
        Span<byte> head = stackalloc byte[HeaderLength + (3 * (1 + MaximumIdBytes))];
        head[0] = PayloadVersion;
        BinaryPrimitives.WriteUInt32BigEndian(head[2..], (uint)expires);
        var length = HeaderLength;
        length += WriteId(head[length..], key.Id, "key id", required: true);
        length += WriteDecisionId(head[length..], decisionId);
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
        Span<byte> mac = stackalloc byte[LegacyMacLength + 3];
        if (!TryDecode(text[..dot], payload, out var payloadLength)
            || !TryDecode(text[(dot + 1)..], mac, out var macLength))
        {
            return new(TrackingTokenStatus.Malformed);
        }

        payload = payload[..payloadLength];
        mac = mac[..macLength];
        if (!TryParse(payload, out var parsed) || mac.Length != parsed.MacLength)
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

        // v3 compares the HMAC's first 16 bytes, v1 and v2 all 32: mac.Length is the version's, checked above.
        Span<byte> expectedMac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        KeyedHmac.Compute(key.Secret, payload, expectedMac);
        if (!CryptographicOperations.FixedTimeEquals(expectedMac[..mac.Length], mac))
        {
            Span<byte> expectedTag = stackalloc byte[OriginTagLength];
            OriginTag(key.Secret, payload[parsed.HeaderLength..parsed.DecisionEnd], expectedTag);
            var tagChecks = CryptographicOperations.FixedTimeEquals(expectedTag, payload.Slice(parsed.HeaderLength - OriginTagLength, OriginTagLength));
            return new(tagChecks ? TrackingTokenStatus.Tampered : TrackingTokenStatus.Forged, KeyId: keyId);
        }

        var claims = new TrackingToken(
            (TrackingEventKind)parsed.Kind,
            parsed.DecisionIdIsPacked ? PackedDecisionId.Unpack(payload[parsed.DecisionId]) : Encoding.UTF8.GetString(payload[parsed.DecisionId]),
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
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
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

    /// <summary>Writes v3's decision id: packed behind its tag when it has the platform's shape, else as <see cref="WriteId"/>.</summary>
    private static int WriteDecisionId(Span<byte> destination, string? decisionId)
    {
        if (decisionId is not null && PackedDecisionId.TryPack(decisionId, destination[1..]))
        {
            destination[0] = PackedDecisionIdTag;
            return 1 + PackedDecisionId.Length;
        }

        return WriteId(destination, decisionId, nameof(decisionId), required: true);
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
        if (payload.Length < 2 || payload[1] is not ((byte)TrackingEventKind.Impression or (byte)TrackingEventKind.Click))
        {
            return false;
        }

        var version = payload[0];
        long expires;
        int headerLength;
        int macLength;
        if (version == PayloadVersion && payload.Length >= HeaderLength)
        {
            // Any 32-bit value is a valid instant (1970 to 2106).
            expires = BinaryPrimitives.ReadUInt32BigEndian(payload[2..]);
            headerLength = HeaderLength;
            macLength = MacLength;
        }
        else if ((version is V2PayloadVersion or V1PayloadVersion) && payload.Length >= LegacyHeaderLength)
        {
            expires = BinaryPrimitives.ReadInt64BigEndian(payload[2..]);
            if (expires < DateTimeOffset.MinValue.ToUnixTimeSeconds() || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return false;
            }

            headerLength = LegacyHeaderLength;
            macLength = LegacyMacLength;
        }
        else
        {
            return false;
        }

        var position = headerLength;
        if (!TryReadId(payload, ref position, out var keyId) || !IsValidKeyId(payload[keyId]))
        {
            return false;
        }

        Range decisionId;
        var decisionIdIsPacked = false;
        if (version == PayloadVersion && position < payload.Length && payload[position] == PackedDecisionIdTag)
        {
            if (position + 1 + PackedDecisionId.Length > payload.Length)
            {
                return false;
            }

            decisionId = new Range(position + 1, position + 1 + PackedDecisionId.Length);
            if (!PackedDecisionId.IsValid(payload[decisionId]))
            {
                return false;
            }

            position += 1 + PackedDecisionId.Length;
            decisionIdIsPacked = true;
        }
        else if (!TryReadId(payload, ref position, out decisionId) || IsEmpty(decisionId))
        {
            return false;
        }

        var decisionEnd = position;
        if (!TryReadId(payload, ref position, out var campaignId) || IsEmpty(campaignId))
        {
            return false;
        }

        Range? combinationId = null;
        if (version == V1PayloadVersion)
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

        // v3 gives every claim one encoding: a platform decision id only packed, and text only as valid UTF-8,
        // which decodes to the string it was encoded from. v1 and v2 are verified as they always were.
        if (version == PayloadVersion
            && ((!decisionIdIsPacked && (PackedDecisionId.IsPackable(payload[decisionId]) || !Utf8.IsValid(payload[decisionId])))
                || !Utf8.IsValid(payload[campaignId])
                || !Utf8.IsValid(payload[assetId])))
        {
            return false;
        }

        parsed = new ParsedPayload(
            payload[1], expires, headerLength, macLength, decisionEnd, keyId, decisionId, decisionIdIsPacked, campaignId, combinationId, assetId);
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
        int HeaderLength,
        int MacLength,
        int DecisionEnd,
        Range KeyId,
        Range DecisionId,
        bool DecisionIdIsPacked,
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

    // The v3 payload up to the asset id, origin tag included; each token sets the kind byte and appends its asset.
    private readonly byte[] head;

    internal DecisionTokenSigner(byte[] secret, byte[] head)
    {
        this.secret = secret;
        this.head = head;
    }

    /// <summary>The longest token this signer writes (<see cref="Write"/>), in bytes: an asset id of <see cref="TrackingTokenSigner.MaximumIdBytes"/>.</summary>
    public int MaximumTokenLength => EncodedLength(head.Length + 1 + TrackingTokenSigner.MaximumIdBytes);

    /// <summary><paramref name="prefix"/> followed by a signed token of this decision.</summary>
    /// <param name="kind">Impression or click.</param>
    /// <param name="assetId">The clicked asset (null or empty: none, as on an impression token); at most <see cref="TrackingTokenSigner.MaximumIdBytes"/> UTF-8 bytes.</param>
    /// <param name="prefix">Text put before the token, e.g. <c>https://host/api/t/c?t=</c>; empty for the bare token.</param>
    /// <exception cref="ArgumentException">The kind is not impression or click, or the asset id is too long.</exception>
    public string Sign(TrackingEventKind kind, string? assetId, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Span<byte> token = stackalloc byte[MaximumTokenLength];
        token = token[..Write(kind, assetId, token)];
        Span<char> text = stackalloc char[token.Length];
        Encoding.ASCII.GetChars(token, text);
        return string.Concat(prefix.AsSpan(), text);
    }

    /// <summary>
    /// Writes a signed token of this decision into <paramref name="destination"/> as ASCII (the text
    /// <see cref="Sign"/> gives without a prefix) and returns how many bytes that took: no string on the way,
    /// for a response written as UTF-8.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The kind is not impression or click, the asset id is too long, or <paramref name="destination"/> is shorter
    /// than the token (<see cref="MaximumTokenLength"/> always suffices).
    /// </exception>
    public int Write(TrackingEventKind kind, string? assetId, Span<byte> destination)
    {
        RequireSignableKind(kind, nameof(kind));

        Span<byte> payload = stackalloc byte[TrackingTokenSigner.MaximumPayloadLength];
        head.CopyTo(payload);
        payload[1] = (byte)kind;
        var length = head.Length + TrackingTokenSigner.WriteId(payload[head.Length..], assetId, nameof(assetId), required: false);
        payload = payload[..length];

        var payloadChars = Base64Url.GetEncodedLength(payload.Length);
        var total = EncodedLength(payload.Length);
        if (destination.Length < total)
        {
            throw new ArgumentException($"The token takes {total} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        Span<byte> hmac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        KeyedHmac.Compute(secret, payload, hmac);
        Base64Url.EncodeToUtf8(payload, destination);
        destination[payloadChars] = (byte)'.';
        Base64Url.EncodeToUtf8(hmac[..TrackingTokenSigner.MacLength], destination[(payloadChars + 1)..]);
        return total;
    }

    /// <summary>How many bytes a token of <paramref name="assetId"/> takes (<see cref="Write"/>); throws as <see cref="Write"/> does for a too-long id.</summary>
    public int TokenLength(string? assetId)
    {
        var idBytes = string.IsNullOrEmpty(assetId) ? 0 : Encoding.UTF8.GetByteCount(assetId);
        if (idBytes > TrackingTokenSigner.MaximumIdBytes)
        {
            throw new ArgumentException($"{nameof(assetId)} is longer than {TrackingTokenSigner.MaximumIdBytes} UTF-8 bytes.", nameof(assetId));
        }

        return EncodedLength(head.Length + 1 + idBytes);
    }

    private static int EncodedLength(int payloadLength) =>
        Base64Url.GetEncodedLength(payloadLength) + 1 + Base64Url.GetEncodedLength(TrackingTokenSigner.MacLength);

    internal static void RequireSignableKind(TrackingEventKind kind, string parameterName)
    {
        if (kind is not (TrackingEventKind.Impression or TrackingEventKind.Click))
        {
            throw new ArgumentException($"Cannot sign a token of kind '{kind}'.", parameterName);
        }
    }
}
