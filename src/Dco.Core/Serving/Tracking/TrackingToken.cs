namespace Dco.Core.Serving.Tracking;

/// <summary>What a tracking URL records when it is fetched.</summary>
public enum TrackingEventKind
{
    /// <summary>Not a valid kind; never signed (keeps 0 out of the payload).</summary>
    None = 0,
    Impression = 1,
    Click = 2,
}

/// <summary>
/// The claims a signed tracking URL carries. <see cref="AssetId"/> names the clicked asset on a
/// click token (the click endpoint looks its destination up server-side); it may be null on an
/// impression token, which covers the whole combination. <see cref="ExpiresAt"/> is kept to the second.
/// </summary>
/// <param name="Kind">Impression or click.</param>
/// <param name="DecisionId">The decision the token was issued for.</param>
/// <param name="CampaignId">The decision's campaign.</param>
/// <param name="CombinationId">
/// Only on tokens issued before payload v2; the stored decision holds the combination. Null on every token
/// signed now (signing refuses one that sets it).
/// </param>
/// <param name="AssetId">The clicked asset; null when the token names none.</param>
/// <param name="ExpiresAt">When the token stops being accepted (plus the verifier's clock skew).</param>
public sealed record TrackingToken(
    TrackingEventKind Kind,
    string DecisionId,
    string CampaignId,
    string? CombinationId,
    string? AssetId,
    DateTimeOffset ExpiresAt);

/// <summary>Why a token was accepted or refused. Everything but <see cref="Valid"/> is counted, never processed.</summary>
public enum TrackingTokenStatus
{
    /// <summary>Signature checks, key live, not expired, kind as expected.</summary>
    Valid = 0,

    /// <summary>Not a token of ours at all: wrong shape, bad base64url, unknown version, truncated or oversized payload.</summary>
    Malformed,

    /// <summary>The key id names no key in the ring.</summary>
    UnknownKey,

    /// <summary>The key id names a key that has been retired.</summary>
    RetiredKey,

    /// <summary>Signature mismatch and the decision-bound origin tag does not check either: made up, not derived from a token we issued.</summary>
    Forged,

    /// <summary>
    /// A token we issued was altered: the origin tag (bound to key and decision id) still checks but the
    /// full signature does not, so another field or the signature itself was changed.
    /// </summary>
    Tampered,

    /// <summary>Genuine, but its expiry (plus the allowed clock skew) has passed.</summary>
    Expired,

    /// <summary>Genuine, but issued for another event kind (an impression token at the click endpoint).</summary>
    WrongKind,
}

/// <summary>The outcome of <see cref="TrackingTokenSigner.Verify"/>; <see cref="Token"/> is set when the payload was authentic.</summary>
public sealed record TrackingTokenVerification(TrackingTokenStatus Status, TrackingToken? Token = null, string? KeyId = null)
{
    public bool IsValid => Status == TrackingTokenStatus.Valid;
}
