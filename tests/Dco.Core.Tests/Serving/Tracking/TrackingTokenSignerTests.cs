using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Dco.Core.Serving.Tracking;

namespace Dco.Core.Tests.Serving.Tracking;

public sealed class TrackingTokenSignerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The last instant v3's 32-bit expiry holds.</summary>
    private static readonly DateTimeOffset LastExpiry = new(2106, 2, 7, 6, 28, 15, TimeSpan.Zero);

    /// <summary>An id as the platform makes them: a page id (a version-7 GUID in lowercase hex) and an index in the page.</summary>
    private const string ServedDecisionId = "0196f7a0c1e27b3c9a4d5e6f7a8b9c0d-7";

    /// <summary>The platform's decision id shape, written out here independently of the signer (\z, not $, which allows a final newline).</summary>
    private static readonly Regex PlatformDecisionId = new("^([0-9a-f]{32})-(0|[1-9][0-9]?|1[01][0-9]|12[0-7])\\z", RegexOptions.CultureInvariant);

    private static readonly Gen<string> PlatformDecisionIds = Gen.Select(
        Gen.Byte.Array[16], Gen.Int[0, 127], (page, index) => Convert.ToHexStringLower(page) + "-" + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>Ids one step away from the platform's shape, each of which must be carried as text.</summary>
    private static readonly Gen<string> LookalikeDecisionIds = Gen.Select(Gen.Byte.Array[16], Gen.Int[0, 999], Gen.Int[0, 9], (page, index, change) =>
    {
        var hex = Convert.ToHexStringLower(page);
        var number = index.ToString(CultureInfo.InvariantCulture);
        return change switch
        {
            0 => Convert.ToHexString(page) + "-" + number, // uppercase hex (the same as lowercase if all digits)
            1 => hex + "-0" + number, // a leading zero
            2 => hex + "-" + (128 + index), // past the page
            3 => hex[..31] + "-" + number,
            4 => hex + "0-" + number,
            5 => hex + "_" + number,
            6 => hex + "-" + number + "\n",
            7 => hex + "-+" + number,
            8 => hex + "-\u0667", // ARABIC-INDIC DIGIT SEVEN
            _ => hex + "-" + number,
        };
    });

    /// <summary>Any Unicode text of 1 to 50 scalar values (so at most 200 UTF-8 bytes), never a lone surrogate, which UTF-8 cannot carry.</summary>
    private static readonly Gen<string> UnicodeIds = Gen.OneOf(Gen.Int[0, 0x7F], Gen.Int[0x80, 0x7FF], Gen.Int[0x800, 0xD7FF], Gen.Int[0xE000, 0xFFFF], Gen.Int[0x10000, 0x10FFFF])
        .Select(char.ConvertFromUtf32).Array[1, 50].Select(string.Concat);

    /// <summary>Ids of exactly 200 UTF-8 bytes in 1-, 2-, 3- and 4-byte characters.</summary>
    private static readonly Gen<string> LongestIds = Gen.OneOfConst(
        new string('x', 200), string.Concat(Enumerable.Repeat("é", 100)), string.Concat(Enumerable.Repeat("€", 66)) + "ab", string.Concat(Enumerable.Repeat("😀", 50)));

    private static SigningKey Key(string id, byte fill, DateTimeOffset? retiredAt = null) =>
        new(id, Enumerable.Repeat(fill, 32).ToArray(), retiredAt);

    private static TrackingToken Click(DateTimeOffset? expires = null) =>
        new(TrackingEventKind.Click, "dec-0001", "camp-7", null, "asset-héadline", expires ?? Start.AddHours(1));

    private static (TrackingTokenSigner Signer, ManualClock Clock) Signer(params SigningKey[] keys)
    {
        var clock = new ManualClock(Start);
        var ring = new SigningKeyRing(keys.Length == 0 ? [Key("k1", 1)] : keys, keys.Length == 0 ? "k1" : keys[0].Id);
        return (new TrackingTokenSigner(ring, clock), clock);
    }

    [Fact]
    public void A_signed_token_verifies_and_round_trips_every_claim()
    {
        var (signer, _) = Signer();
        var token = Click();

        var result = signer.Verify(signer.Sign(token), TrackingEventKind.Click);

        Assert.Equal(TrackingTokenStatus.Valid, result.Status);
        Assert.Equal(token, result.Token);
        Assert.Equal("k1", result.KeyId);
    }

    [Fact]
    public void An_impression_token_without_asset_round_trips_with_a_null_asset()
    {
        var (signer, _) = Signer();
        var token = new TrackingToken(TrackingEventKind.Impression, "d", "c", null, null, Start.AddMinutes(5));

        var result = signer.Verify(signer.Sign(token));

        Assert.Equal(token, result.Token);
    }

    [Fact]
    public void Expiry_is_kept_to_the_second()
    {
        var (signer, _) = Signer();

        var result = signer.Verify(signer.Sign(Click(Start.AddHours(1).AddMilliseconds(750))));

        Assert.Equal(Start.AddHours(1), result.Token!.ExpiresAt);
    }

    [Fact]
    public void Token_text_is_url_safe()
    {
        var (signer, _) = Signer();

        var text = signer.Sign(Click());

        // v3's 16-byte MAC is 22 characters.
        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}$", text);
    }

    [Fact]
    public void Changing_any_payload_character_never_verifies_and_is_classified()
    {
        var (signer, _) = Signer();
        var text = signer.Sign(Click());
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var seen = new HashSet<TrackingTokenStatus>();

        for (var i = 0; i < dot; i++)
        {
            var tampered = Replace(text, i);
            var status = signer.Verify(tampered).Status;
            Assert.NotEqual(TrackingTokenStatus.Valid, status);
            seen.Add(status);
        }

        // Flipping fields after the origin tag keeps the tag valid: a genuine token, altered.
        Assert.Contains(TrackingTokenStatus.Tampered, seen);
    }

    [Fact]
    public void Changing_any_signature_character_is_reported_as_tampered()
    {
        var (signer, _) = Signer();
        var text = signer.Sign(Click());
        var dot = text.IndexOf('.', StringComparison.Ordinal);

        for (var i = dot + 1; i < text.Length; i++)
        {
            Assert.Equal(TrackingTokenStatus.Tampered, signer.Verify(Replace(text, i)).Status);
        }
    }

    [Theory]
    [InlineData("dec-0001")]
    [InlineData(ServedDecisionId)]
    public void Flipping_every_bit_of_the_decoded_payload_and_signature_never_verifies(string decisionId)
    {
        var (signer, _) = Signer();
        var text = signer.Sign(Click() with { DecisionId = decisionId });
        var parts = text.Split('.');
        var payload = Base64Url(parts[0]);
        var mac = Base64Url(parts[1]);

        for (var bit = 0; bit < payload.Length * 8; bit++)
        {
            var copy = (byte[])payload.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(TrackingTokenStatus.Valid, signer.Verify(ToBase64Url(copy) + "." + parts[1]).Status);
        }

        for (var bit = 0; bit < mac.Length * 8; bit++)
        {
            var copy = (byte[])mac.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(TrackingTokenStatus.Tampered, signer.Verify(parts[0] + "." + ToBase64Url(copy)).Status);
        }
    }

    [Fact]
    public void A_token_signed_with_another_secret_under_our_key_id_is_forged()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var (attacker, _) = Signer(Key("k1", 99));

        var result = signer.Verify(attacker.Sign(Click()));

        Assert.Equal(TrackingTokenStatus.Forged, result.Status);
        Assert.Null(result.Token);
    }

    [Fact]
    public void Changing_the_decision_id_of_a_genuine_token_is_forged_because_the_origin_tag_no_longer_checks()
    {
        var (signer, _) = Signer();
        var genuine = Base64Url(signer.Sign(Click()).Split('.')[0]);
        var (other, _) = Signer();
        var withOtherDecision = other.Sign(Click() with { DecisionId = "dec-0002" });
        var forgedPayload = Base64Url(withOtherDecision.Split('.')[0]);
        // Keep the genuine origin tag (v3: bytes 6..13, after the 4-byte expiry) on the payload naming another decision.
        Array.Copy(genuine, 6, forgedPayload, 6, 8);
        var mixed = ToBase64Url(forgedPayload) + "." + signer.Sign(Click()).Split('.')[1];

        Assert.Equal(TrackingTokenStatus.Forged, signer.Verify(mixed).Status);
    }

    [Fact]
    public void A_token_past_its_expiry_and_the_skew_is_expired()
    {
        var (signer, clock) = Signer();
        var text = signer.Sign(Click(Start.AddMinutes(10)));

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(31));
        var result = signer.Verify(text);

        Assert.Equal(TrackingTokenStatus.Expired, result.Status);
        Assert.NotNull(result.Token);
    }

    [Fact]
    public void A_token_just_past_its_expiry_is_accepted_within_the_clock_skew()
    {
        var (signer, clock) = Signer();
        var text = signer.Sign(Click(Start.AddMinutes(10)));

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(29));

        Assert.True(signer.Verify(text).IsValid);
    }

    [Fact]
    public void An_impression_token_presented_as_a_click_is_refused_as_wrong_kind()
    {
        var (signer, _) = Signer();
        var text = signer.Sign(Click() with { Kind = TrackingEventKind.Impression });

        Assert.Equal(TrackingTokenStatus.WrongKind, signer.Verify(text, TrackingEventKind.Click).Status);
    }

    [Fact]
    public void A_token_signed_before_rotation_still_verifies_with_the_old_key_kept_for_verification()
    {
        var (before, clock) = Signer(Key("k1", 1));
        var text = before.Sign(Click());
        var rotated = new TrackingTokenSigner(new SigningKeyRing([Key("k2", 2), Key("k1", 1, Start.AddDays(1))], "k2"), clock);

        var result = rotated.Verify(text);

        Assert.True(result.IsValid);
        Assert.Equal("k1", result.KeyId);
        Assert.Equal("k2", rotated.Verify(rotated.Sign(Click())).KeyId);
    }

    [Fact]
    public void A_token_whose_key_has_been_retired_is_rejected()
    {
        var (before, clock) = Signer(Key("k1", 1));
        var text = before.Sign(Click(Start.AddDays(3)));
        var rotated = new TrackingTokenSigner(new SigningKeyRing([Key("k2", 2), Key("k1", 1, Start.AddDays(1))], "k2"), clock);

        clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(TrackingTokenStatus.RetiredKey, rotated.Verify(text).Status);
    }

    [Fact]
    public void A_token_whose_key_left_the_ring_is_an_unknown_key()
    {
        var (before, clock) = Signer(Key("k1", 1));
        var text = before.Sign(Click());
        var rotated = new TrackingTokenSigner(new SigningKeyRing([Key("k2", 2)], "k2"), clock);

        Assert.Equal(TrackingTokenStatus.UnknownKey, rotated.Verify(text).Status);
    }

    [Fact]
    public void A_non_canonical_encoding_of_a_genuine_token_is_refused_as_malformed()
    {
        var (signer, _) = Signer();
        var text = signer.Sign(Click());
        // v3's 16-byte MAC takes 22 characters; the last one carries 4 unused bits.
        var last = text[^1];
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var sibling = alphabet[alphabet.IndexOf(last, StringComparison.Ordinal) ^ 1];

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(text[..^1] + sibling).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("abc")]
    [InlineData("abc.def.ghi")]
    [InlineData(".AAAA")]
    [InlineData("AAAA.")]
    [InlineData("AA AA.AAAA")]
    [InlineData("AAAA=.AAAA")]
    [InlineData("!!!!.????")]
    public void Garbage_is_malformed(string? text)
    {
        var (signer, _) = Signer();

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(text).Status);
    }

    [Fact]
    public void An_oversized_token_is_malformed_without_decoding()
    {
        var (signer, _) = Signer();

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(new string('A', 5000) + ".A").Status);
    }

    [Theory]
    [InlineData("dec-0001")]
    [InlineData(ServedDecisionId)]
    public void A_truncated_payload_is_malformed(string decisionId)
    {
        var (signer, _) = Signer();
        var parts = signer.Sign(Click() with { DecisionId = decisionId }).Split('.');
        var payload = Base64Url(parts[0]);

        for (var length = 0; length < payload.Length; length++)
        {
            var status = signer.Verify(ToBase64Url(payload[..length]) + "." + parts[1]).Status;
            Assert.Equal(TrackingTokenStatus.Malformed, status);
        }
    }

    [Fact]
    public void Random_strings_never_verify()
    {
        var (signer, _) = Signer();
        Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."], 0, 200]
            .Sample(s => signer.Verify(s).Status != TrackingTokenStatus.Valid, iter: 5_000);
    }

    [Fact]
    public void Random_well_shaped_payloads_with_random_signatures_never_verify()
    {
        var (signer, _) = Signer();
        Gen.Select(Gen.Byte.Array[0, 120], Gen.OneOf(Gen.Byte.Array[16], Gen.Byte.Array[32]))
            .Sample((payload, mac) => signer.Verify(ToBase64Url(payload) + "." + ToBase64Url(mac)).Status != TrackingTokenStatus.Valid, iter: 5_000);
    }

    [Fact]
    public void Any_claims_round_trip()
    {
        var (signer, _) = Signer();
        var id = Gen.String[Gen.Char.AlphaNumeric, 1, 60];
        Gen.Select(Gen.Int[1, 2], id, id, id, Gen.Int[0, 100_000])
            .Sample((kind, decision, campaign, asset, seconds) =>
            {
                var token = new TrackingToken((TrackingEventKind)kind, decision, campaign, null, asset, Start.AddSeconds(seconds));
                return signer.Verify(signer.Sign(token)).Token == token;
            }, iter: 500);
    }

    [Fact]
    public void A_url_prefix_is_joined_to_the_same_token_text()
    {
        var (signer, _) = Signer();

        var url = signer.Sign(Click(), "https://dco.example/api/t/c?t=");

        Assert.Equal("https://dco.example/api/t/c?t=" + signer.Sign(Click()), url);
        Assert.Equal(TrackingTokenStatus.Valid, signer.Verify(url["https://dco.example/api/t/c?t=".Length..]).Status);
    }

    [Fact]
    public void Tokens_signed_in_any_order_of_decisions_and_keys_carry_their_own_origin_tag()
    {
        // A decision's tokens share one origin tag; whatever the order of decisions and key rings, every
        // token must carry the tag of its own key and decision, so that altering one stays "tampered"
        // and moving a tag to another decision stays "forged".
        var (first, _) = Signer(Key("k1", 1));
        var (second, _) = Signer(Key("k1", 2));
        var (third, _) = Signer(Key("k2", 1));
        TrackingTokenSigner[] signers = [first, second, third];
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 2]).Array[1, 40]
            .Sample(steps => steps.All(step =>
            {
                var (signerIndex, decision, asset) = step;
                var signer = signers[signerIndex];
                var token = Click() with { DecisionId = "dec-" + decision, AssetId = "asset-" + asset };
                var text = signer.Sign(token);
                var tampered = signer.Sign(token with { AssetId = "asset-x" + asset }).Split('.')[0] + "." + text.Split('.')[1];
                var fresh = new TrackingTokenSigner(new SigningKeyRing([signerIndex switch { 0 => Key("k1", 1), 1 => Key("k1", 2), _ => Key("k2", 1) }], signerIndex == 2 ? "k2" : "k1"), new ManualClock(Start));
                return signer.Verify(text).Status == TrackingTokenStatus.Valid
                    && text == fresh.Sign(token)
                    && signer.Verify(tampered).Status == TrackingTokenStatus.Tampered;
            }), iter: 200);
    }

    [Fact]
    public void Signing_refuses_missing_or_oversized_ids()
    {
        var (signer, _) = Signer();

        Assert.Throws<ArgumentException>(() => signer.Sign(Click() with { DecisionId = "" }));
        Assert.Throws<ArgumentException>(() => signer.Sign(Click() with { CampaignId = new string('x', 201) }));
        Assert.Throws<ArgumentException>(() => signer.Sign(Click() with { Kind = TrackingEventKind.None }));
    }

    [Fact]
    public void A_signed_token_is_payload_v3_and_round_trips_every_claim_without_a_combination()
    {
        var (signer, _) = Signer();
        var token = new TrackingToken(TrackingEventKind.Click, "dec-0001", "camp-7", null, "asset-9", Start.AddHours(2));

        var text = signer.Sign(token);
        var result = signer.Verify(text, TrackingEventKind.Click);

        Assert.Equal(3, Base64Url(text.Split('.')[0])[0]);
        Assert.Equal(TrackingTokenStatus.Valid, result.Status);
        Assert.Equal("k1", result.KeyId);
        Assert.Equal(
            (TrackingEventKind.Click, "dec-0001", "camp-7", "asset-9", Start.AddHours(2)),
            (result.Token!.Kind, result.Token.DecisionId, result.Token.CampaignId, result.Token.AssetId, result.Token.ExpiresAt));
        Assert.Null(result.Token.CombinationId);
    }

    [Theory]
    [InlineData("dec-0001", "asset-héadline")]
    [InlineData("dec-0001", null)]
    [InlineData(ServedDecisionId, "headline-sun-ready")]
    [InlineData("00000000000000000000000000000000-0", null)]
    [InlineData("ffffffffffffffffffffffffffffffff-127", "a")]
    public void A_v3_token_is_exactly_the_documented_layout(string decisionId, string? assetId)
    {
        var (signer, _) = Signer(Key("k1", 1));
        var token = Click() with { DecisionId = decisionId, AssetId = assetId, Kind = assetId is null ? TrackingEventKind.Impression : TrackingEventKind.Click };

        Assert.Equal(HandMadeV3(Key("k1", 1), token), signer.Sign(token));
    }

    [Fact]
    public void A_v1_token_issued_before_v2_still_verifies_with_its_combination()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var v1 = HandMade(1, Key("k1", 1), Click(), combinationId: "headline-1+image-2");

        var result = signer.Verify(v1, TrackingEventKind.Click);

        Assert.Equal(TrackingTokenStatus.Valid, result.Status);
        Assert.Equal(Click() with { CombinationId = "headline-1+image-2" }, result.Token);
    }

    [Fact]
    public void A_v1_impression_token_without_asset_still_verifies()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var impression = Click() with { Kind = TrackingEventKind.Impression, AssetId = null };

        var result = signer.Verify(HandMade(1, Key("k1", 1), impression, combinationId: "combo-42"), TrackingEventKind.Impression);

        Assert.Equal(impression with { CombinationId = "combo-42" }, result.Token);
    }

    [Fact]
    public void Changing_a_byte_after_the_origin_tag_of_a_v1_token_is_tampered()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var parts = HandMade(1, Key("k1", 1), Click(), combinationId: "headline-1+image-2").Split('.');
        var payload = Base64Url(parts[0]);
        // The last byte is in the asset id: the origin tag (key and decision) still checks, the MAC does not.
        payload[^1] ^= 0x01;

        Assert.Equal(TrackingTokenStatus.Tampered, signer.Verify(ToBase64Url(payload) + "." + parts[1]).Status);
    }

    [Fact]
    public void A_v1_token_whose_decision_was_swapped_is_forged()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var genuine = Base64Url(HandMade(1, Key("k1", 1), Click(), "combo-42").Split('.')[0]);
        var other = HandMade(1, Key("k1", 1), Click() with { DecisionId = "dec-0002" }, "combo-42").Split('.');
        var payload = Base64Url(other[0]);
        Array.Copy(genuine, 10, payload, 10, 8);

        Assert.Equal(TrackingTokenStatus.Forged, signer.Verify(ToBase64Url(payload) + "." + other[1]).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(255)]
    public void A_correctly_signed_token_of_an_unknown_version_is_malformed(byte version)
    {
        var (signer, _) = Signer(Key("k1", 1));

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(HandMade(version, Key("k1", 1), Click(), combinationId: null)).Status);
    }

    [Fact]
    public void A_v1_layout_under_the_v2_version_byte_is_malformed()
    {
        var (signer, _) = Signer(Key("k1", 1));

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(HandMade(2, Key("k1", 1), Click(), combinationId: "combo-42")).Status);
    }

    // Tokens issued as v2 live for the token lifetime after a deploy: they are built here by hand, with the
    // full 32-byte MAC, so that these tests hold whatever version the signer issues.
    [Fact]
    public void A_v2_token_still_verifies_with_every_claim()
    {
        var (signer, _) = Signer(Key("k1", 1));

        var result = signer.Verify(HandMade(2, Key("k1", 1), Click(), combinationId: null), TrackingEventKind.Click);

        Assert.Equal((TrackingTokenStatus.Valid, "k1"), (result.Status, result.KeyId));
        Assert.Equal(Click(), result.Token);
    }

    [Fact]
    public void A_v2_impression_token_without_asset_still_verifies()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var impression = Click() with { Kind = TrackingEventKind.Impression, AssetId = null };

        var result = signer.Verify(HandMade(2, Key("k1", 1), impression, combinationId: null), TrackingEventKind.Impression);

        Assert.Equal(impression, result.Token);
    }

    [Fact]
    public void A_v2_token_for_a_served_decision_id_still_verifies_with_the_id_written_as_text()
    {
        // v2 wrote every decision id as text, the platform's own ids included.
        var (signer, _) = Signer(Key("k1", 1));
        var token = Click() with { DecisionId = "0196f7a0c1e27b3c9a4d5e6f7a8b9c0d-7", CampaignId = "demo" };

        var result = signer.Verify(HandMade(2, Key("k1", 1), token, combinationId: null), TrackingEventKind.Click);

        Assert.Equal(token, result.Token);
    }

    [Fact]
    public void A_v2_token_signed_before_rotation_still_verifies_with_the_old_key()
    {
        var clock = new ManualClock(Start);
        var rotated = new TrackingTokenSigner(new SigningKeyRing([Key("k2", 2), Key("k1", 1, Start.AddDays(1))], "k2"), clock);

        var result = rotated.Verify(HandMade(2, Key("k1", 1), Click(), combinationId: null));

        Assert.Equal((TrackingTokenStatus.Valid, "k1"), (result.Status, result.KeyId));
    }

    [Fact]
    public void Changing_a_byte_after_the_origin_tag_of_a_v2_token_is_tampered()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var parts = HandMade(2, Key("k1", 1), Click(), combinationId: null).Split('.');
        var payload = Base64Url(parts[0]);
        // The last byte is in the asset id: the origin tag (key and decision) still checks, the MAC does not.
        payload[^1] ^= 0x01;

        Assert.Equal(TrackingTokenStatus.Tampered, signer.Verify(ToBase64Url(payload) + "." + parts[1]).Status);
    }

    [Fact]
    public void Flipping_any_bit_of_a_v2_tokens_signature_is_tampered()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var parts = HandMade(2, Key("k1", 1), Click(), combinationId: null).Split('.');
        var mac = Base64Url(parts[1]);

        for (var bit = 0; bit < mac.Length * 8; bit++)
        {
            var copy = (byte[])mac.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(TrackingTokenStatus.Tampered, signer.Verify(parts[0] + "." + ToBase64Url(copy)).Status);
        }
    }

    [Fact]
    public void A_v2_token_whose_decision_was_swapped_is_forged()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var genuine = Base64Url(HandMade(2, Key("k1", 1), Click(), combinationId: null).Split('.')[0]);
        var other = HandMade(2, Key("k1", 1), Click() with { DecisionId = "dec-0002" }, combinationId: null).Split('.');
        var payload = Base64Url(other[0]);
        // v2's origin tag is bytes 10..17, after the 8-byte expiry.
        Array.Copy(genuine, 10, payload, 10, 8);

        Assert.Equal(TrackingTokenStatus.Forged, signer.Verify(ToBase64Url(payload) + "." + other[1]).Status);
    }

    [Fact]
    public void A_v2_token_signed_with_another_secret_under_our_key_id_is_forged()
    {
        var (signer, _) = Signer(Key("k1", 1));

        var result = signer.Verify(HandMade(2, Key("k1", 99), Click(), combinationId: null));

        Assert.Equal((TrackingTokenStatus.Forged, (TrackingToken?)null), (result.Status, result.Token));
    }

    [Fact]
    public void A_v2_token_past_its_expiry_and_the_skew_is_expired()
    {
        var (signer, clock) = Signer(Key("k1", 1));
        var text = HandMade(2, Key("k1", 1), Click(Start.AddMinutes(10)), combinationId: null);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(31));

        Assert.Equal(TrackingTokenStatus.Expired, signer.Verify(text).Status);
    }

    [Fact]
    public void A_v2_impression_token_presented_as_a_click_is_wrong_kind()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var text = HandMade(2, Key("k1", 1), Click() with { Kind = TrackingEventKind.Impression }, combinationId: null);

        Assert.Equal(TrackingTokenStatus.WrongKind, signer.Verify(text, TrackingEventKind.Click).Status);
    }

    [Fact]
    public void A_v2_token_whose_key_has_been_retired_is_rejected()
    {
        var clock = new ManualClock(Start.AddDays(2));
        var rotated = new TrackingTokenSigner(new SigningKeyRing([Key("k2", 2), Key("k1", 1, Start.AddDays(1))], "k2"), clock);

        Assert.Equal(TrackingTokenStatus.RetiredKey, rotated.Verify(HandMade(2, Key("k1", 1), Click(Start.AddDays(3)), combinationId: null)).Status);
    }

    [Fact]
    public void A_v2_token_expiring_at_the_last_second_of_the_calendar_verifies_without_throwing()
    {
        // v2's 8-byte expiry reaches 9999-12-31T23:59:59Z; adding the clock skew to it would overflow.
        var (signer, _) = Signer(Key("k1", 1));
        var text = HandMade(2, Key("k1", 1), Click(DateTimeOffset.MaxValue), combinationId: null);

        var result = signer.Verify(text);

        Assert.Equal(TrackingTokenStatus.Valid, result.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.MaxValue.ToUnixTimeSeconds()), result.Token!.ExpiresAt);
    }

    [Fact]
    public void A_v2_token_with_its_signature_cut_to_16_bytes_is_malformed()
    {
        // v2 is verified with its full 32-byte MAC only: a v2 payload does not get v3's shorter one.
        var (signer, _) = Signer(Key("k1", 1));
        var parts = HandMade(2, Key("k1", 1), Click(), combinationId: null).Split('.');

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(parts[0] + "." + ToBase64Url(Base64Url(parts[1])[..16])).Status);
    }

    [Fact]
    public void Signing_refuses_a_combination_id_since_v2_does_not_carry_it()
    {
        var (signer, _) = Signer();

        var error = Assert.Throws<ArgumentException>(() => signer.Sign(Click() with { CombinationId = "combo-42" }));

        Assert.Contains("CombinationId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_of_one_decision_signed_together_are_the_tokens_signed_one_by_one()
    {
        var (signer, _) = Signer(Key("k1", 1), Key("k2", 2));
        var expires = Start.AddDays(7);
        string?[] assets = [null, "headline-1", "image-2", "cta-é", "disclaimer-4"];

        var decision = signer.ForDecision("dec-0001", "camp-7", expires);
        var together = assets.Select(a => decision.Sign(a is null ? TrackingEventKind.Impression : TrackingEventKind.Click, a, "https://x/t?t=")).ToArray();
        var oneByOne = assets.Select(a => signer.Sign(
            new TrackingToken(a is null ? TrackingEventKind.Impression : TrackingEventKind.Click, "dec-0001", "camp-7", null, a, expires),
            "https://x/t?t=")).ToArray();
        var byHand = assets.Select(a => "https://x/t?t=" + HandMadeV3(
            Key("k1", 1), new TrackingToken(a is null ? TrackingEventKind.Impression : TrackingEventKind.Click, "dec-0001", "camp-7", null, a, expires))).ToArray();

        Assert.Equal(oneByOne, together);
        Assert.Equal(byHand, together);
    }

    [Fact]
    public void A_token_written_as_bytes_is_the_signed_text_and_takes_the_length_worked_out_for_it()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var asset = Gen.Select(Gen.OneOf(UnicodeIds, LongestIds), Gen.Int[0, 4], (id, draw) => draw == 0 ? null : id);

        Gen.Select(Gen.Int[1, 2], PlatformDecisionIds, asset).Sample((kind, decisionId, assetId) =>
        {
            var decision = signer.ForDecision(decisionId, "camp-7", Start.AddHours(1));
            var eventKind = (TrackingEventKind)kind;
            var buffer = new byte[decision.MaximumTokenLength + 8];
            var written = decision.Write(eventKind, assetId, buffer);
            Assert.Equal(decision.TokenLength(assetId), written);
            Assert.Equal(decision.Sign(eventKind, assetId), Encoding.ASCII.GetString(buffer, 0, written));
            Assert.True(signer.Verify(Encoding.ASCII.GetString(buffer, 0, written), eventKind).IsValid);
            Assert.Throws<ArgumentException>(() => decision.Write(eventKind, assetId, new byte[written - 1]));
        }, iter: 500);

        var any = signer.ForDecision("dec-0001", "camp-7", Start);
        Assert.Throws<ArgumentException>(() => any.TokenLength(new string('x', TrackingTokenSigner.MaximumIdBytes + 1)));
        Assert.Throws<ArgumentException>(() => any.Write(TrackingEventKind.None, null, new byte[any.MaximumTokenLength]));
    }

    [Fact]
    public void Tokens_of_interleaved_decisions_each_carry_their_own_decisions_origin_tag()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var first = signer.ForDecision("dec-0001", "camp-7", Start.AddHours(1));
        var second = signer.ForDecision("dec-0002", "camp-7", Start.AddHours(1));

        var a = first.Sign(TrackingEventKind.Click, "asset-1");
        var b = second.Sign(TrackingEventKind.Click, "asset-1");
        var c = first.Sign(TrackingEventKind.Click, "asset-2");

        Assert.Equal("dec-0001", signer.Verify(a).Token!.DecisionId);
        Assert.Equal("dec-0002", signer.Verify(b).Token!.DecisionId);
        // v3's origin tag is bytes 6..13.
        Assert.Equal(Base64Url(a.Split('.')[0])[6..14], Base64Url(c.Split('.')[0])[6..14]);
        Assert.NotEqual(Base64Url(a.Split('.')[0])[6..14], Base64Url(b.Split('.')[0])[6..14]);
    }

    [Fact]
    public void A_decision_signer_refuses_missing_or_oversized_ids_and_unsignable_kinds()
    {
        var (signer, _) = Signer();
        var decision = signer.ForDecision("dec-0001", "camp-7", Start);

        Assert.Throws<ArgumentException>(() => signer.ForDecision("", "camp-7", Start));
        Assert.Throws<ArgumentException>(() => signer.ForDecision("dec-0001", new string('x', 201), Start));
        Assert.Throws<ArgumentException>(() => decision.Sign(TrackingEventKind.None, "asset-1"));
        Assert.Throws<ArgumentException>(() => decision.Sign(TrackingEventKind.Click, new string('x', 201)));
    }

    [Fact]
    public void A_click_token_of_a_served_decision_is_106_characters_where_v2_took_155()
    {
        // A decision id is a 32-character page id, '-' and an index; the load test's key is "load1" and the demo campaign "demo".
        var (signer, _) = Signer(Key("load1", 1));
        var token = new TrackingToken(TrackingEventKind.Click, ServedDecisionId, "demo", null, "headline-sun-ready", Start.AddDays(7));

        var text = signer.ForDecision(token.DecisionId, token.CampaignId, token.ExpiresAt).Sign(TrackingEventKind.Click, token.AssetId);

        // v3: payload 14 + (1+5) + (1+16+1) + (1+4) + (1+18) = 62 bytes, 83 base64url characters, '.', 22 for the 16-byte MAC.
        // v2 (built here by hand): payload 18 + (1+5) + (1+34) + (1+4) + (1+18) = 83 bytes, 111 characters, '.', 43: 155
        // (156 for a two-digit index, which v3 packs into the same byte).
        Assert.Equal((106, 155), (text.Length, HandMade(2, Key("load1", 1), token, combinationId: null).Length));
        Assert.True(signer.Verify(text, TrackingEventKind.Click).IsValid);
    }

    [Fact]
    public void Any_claims_round_trip_through_v3_whatever_their_ids()
    {
        var (signer, _) = Signer();
        var decision = Gen.OneOf(PlatformDecisionIds, LookalikeDecisionIds, UnicodeIds, LongestIds);
        var campaign = Gen.OneOf(UnicodeIds, LongestIds);
        var asset = Gen.Select(Gen.OneOf(UnicodeIds, LongestIds), Gen.Int[0, 4], (id, draw) => draw == 0 ? null : id);
        var expires = Gen.Long[Start.ToUnixTimeSeconds(), uint.MaxValue].Select(DateTimeOffset.FromUnixTimeSeconds);
        Gen.Select(Gen.Int[1, 2], decision, campaign, asset, expires)
            .Sample((kind, decisionId, campaignId, assetId, expiresAt) =>
            {
                var token = new TrackingToken((TrackingEventKind)kind, decisionId, campaignId, null, assetId, expiresAt);
                var result = signer.Verify(signer.Sign(token));
                return result.Status == TrackingTokenStatus.Valid && result.Token == token;
            }, iter: 2_000);
    }

    [Fact]
    public void A_decision_id_is_packed_exactly_when_it_has_the_platform_shape()
    {
        var (signer, _) = Signer(Key("k1", 1));
        Gen.OneOf(PlatformDecisionIds, LookalikeDecisionIds, UnicodeIds)
            .Sample(decisionId =>
            {
                var payload = Base64Url(signer.Sign(Click() with { DecisionId = decisionId }).Split('.')[0]);
                // Key "k1" takes bytes 14..16, so the decision id's tag or length is byte 17.
                var packed = payload[17] == 0xFF;
                return packed == PlatformDecisionId.IsMatch(decisionId)
                    && (!packed || payload[18..35].SequenceEqual(HandMadeDecisionId(decisionId)[1..]));
            }, iter: 2_000);
    }

    [Fact]
    public void Ids_of_the_longest_length_round_trip_in_every_field_and_one_byte_more_is_refused()
    {
        var (signer, _) = Signer();
        var longest = new[] { new string('x', 200), string.Concat(Enumerable.Repeat("😀", 50)) };

        foreach (var id in longest)
        {
            var token = new TrackingToken(TrackingEventKind.Click, id, id, null, id, Start.AddHours(1));
            Assert.Equal(token, signer.Verify(signer.Sign(token)).Token);
        }

        Assert.Throws<ArgumentException>(() => signer.Sign(Click() with { DecisionId = new string('x', 199) + "é" }));
        Assert.Throws<ArgumentException>(() => signer.Sign(Click() with { AssetId = new string('x', 201) }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(32)]
    public void A_v3_token_whose_mac_is_not_16_bytes_is_malformed_even_if_it_starts_with_the_right_ones(int length)
    {
        // 32 is the whole HMAC, as v2 carries it: v3 refuses it by its length, as v2 refuses a 16-byte MAC.
        var (signer, _) = Signer(Key("k1", 1));
        var payload = Base64Url(signer.Sign(Click()).Split('.')[0]);
        var mac = HMACSHA256.HashData(Key("k1", 1).Secret, payload)[..length];

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(ToBase64Url(payload) + "." + ToBase64Url(mac)).Status);
    }

    [Fact]
    public void A_packed_decision_index_above_127_is_malformed_even_when_correctly_signed()
    {
        var key = Key("k1", 1);
        var (signer, _) = Signer(key);
        Assert.True(signer.Verify(SignedV3(key, V3Payload(key, Click(), decisionField: [0xFF, .. new byte[16], 127]))).IsValid);

        for (var index = 128; index <= 255; index++)
        {
            var text = SignedV3(key, V3Payload(key, Click(), decisionField: [0xFF, .. new byte[16], (byte)index]));
            Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(text).Status);
        }
    }

    [Fact]
    public void A_platform_decision_id_written_as_text_in_v3_is_malformed_even_when_correctly_signed()
    {
        // The signer always packs such an id; refusing the text form keeps one payload per claim.
        var key = Key("k1", 1);
        var (signer, _) = Signer(key);

        var text = SignedV3(key, V3Payload(key, Click(), decisionField: Prefixed(ServedDecisionId)));

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(text).Status);
    }

    [Theory]
    [InlineData("decision")]
    [InlineData("campaign")]
    [InlineData("asset")]
    public void A_v3_id_that_is_not_valid_utf8_is_malformed_even_when_correctly_signed(string field)
    {
        // 'a', a lead byte missing its continuation, 'b': decoding would replace the middle byte, so the id would not round-trip.
        byte[] invalid = [3, (byte)'a', 0xC3, (byte)'b'];
        var key = Key("k1", 1);
        var (signer, _) = Signer(key);

        var payload = field switch
        {
            "decision" => V3Payload(key, Click(), decisionField: invalid),
            "campaign" => V3Payload(key, Click(), campaignField: invalid),
            _ => V3Payload(key, Click(), assetField: invalid),
        };

        Assert.Equal(TrackingTokenStatus.Malformed, signer.Verify(SignedV3(key, payload)).Status);
    }

    [Fact]
    public void Altering_any_byte_of_a_packed_decision_id_is_forged()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var parts = signer.Sign(Click() with { DecisionId = ServedDecisionId }).Split('.');

        // The packed id's page bytes are 18..33 and its index (7) byte 34; flipping the lowest bit keeps the index below 128.
        for (var i = 18; i <= 34; i++)
        {
            var payload = Base64Url(parts[0]);
            payload[i] ^= 0x01;
            Assert.Equal(TrackingTokenStatus.Forged, signer.Verify(ToBase64Url(payload) + "." + parts[1]).Status);
        }
    }

    [Fact]
    public void Altering_the_expiry_campaign_or_asset_of_a_v3_token_is_tampered()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var parts = signer.Sign(Click() with { DecisionId = ServedDecisionId, CampaignId = "demo", AssetId = "headline" }).Split('.');

        // Expiry bytes 2..5; after the packed id (ending at byte 34) "demo" is 36..39 and "headline" 41..48.
        foreach (var i in new[] { 2, 3, 4, 5, 36, 39, 41, 48 })
        {
            var payload = Base64Url(parts[0]);
            payload[i] ^= 0x01;
            Assert.Equal(TrackingTokenStatus.Tampered, signer.Verify(ToBase64Url(payload) + "." + parts[1]).Status);
        }
    }

    [Fact]
    public void Signing_refuses_an_expiry_before_1970_or_after_2106()
    {
        var (signer, _) = Signer();

        Assert.Throws<ArgumentException>(() => signer.Sign(Click(DateTimeOffset.UnixEpoch.AddTicks(-1))));
        Assert.Throws<ArgumentException>(() => signer.Sign(Click(LastExpiry.AddSeconds(1))));
        Assert.Throws<ArgumentException>(() => signer.ForDecision("dec-0001", "camp-7", DateTimeOffset.MinValue));
        Assert.Throws<ArgumentException>(() => signer.ForDecision("dec-0001", "camp-7", DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Expiries_at_both_ends_of_the_32_bit_range_round_trip()
    {
        var (signer, _) = Signer();

        var first = signer.Verify(signer.Sign(Click(DateTimeOffset.UnixEpoch)));
        var last = signer.Verify(signer.Sign(Click(LastExpiry.AddMilliseconds(999))));

        Assert.Equal((TrackingTokenStatus.Expired, DateTimeOffset.UnixEpoch), (first.Status, first.Token!.ExpiresAt));
        Assert.Equal((TrackingTokenStatus.Valid, LastExpiry), (last.Status, last.Token!.ExpiresAt));
        Assert.Equal(uint.MaxValue, (ulong)LastExpiry.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_decision_signer_allocates_nothing_but_the_url_it_returns()
    {
        var (signer, _) = Signer();
        var decision = signer.ForDecision(ServedDecisionId, "demo", Start.AddDays(7));
        // The first call compiles the code and keys this thread's HMAC context.
        var url = decision.Sign(TrackingEventKind.Click, "headline-sun-ready", "https://dco.example/api/t/c?t=");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            decision.Sign(TrackingEventKind.Click, "headline-sun-ready", "https://dco.example/api/t/c?t=");
        }

        var perToken = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;

        // A string of n characters takes 2n bytes and about 22 of header, length and terminator, rounded up to 8.
        Assert.InRange(perToken, 2 * url.Length, (2 * url.Length) + 32);
    }

    [Fact]
    public void The_key_ring_refuses_short_secrets_bad_ids_duplicates_and_a_missing_active_key()
    {
        Assert.Throws<ArgumentException>(() => new SigningKeyRing([new SigningKey("k1", new byte[16])], "k1"));
        Assert.Throws<ArgumentException>(() => new SigningKeyRing([Key("k 1", 1)], "k 1"));
        Assert.Throws<ArgumentException>(() => new SigningKeyRing([Key("k1", 1), Key("k1", 2)], "k1"));
        Assert.Throws<ArgumentException>(() => new SigningKeyRing([Key("k1", 1)], "k2"));
        Assert.Throws<ArgumentException>(() => new SigningKeyRing([Key("k1", 1, Start)], "k1"));
    }

    [Fact]
    public void The_key_ring_copies_secrets_so_later_changes_to_the_callers_array_do_not_leak_in()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var clock = new ManualClock(Start);
        var signer = new TrackingTokenSigner(new SigningKeyRing([new SigningKey("k1", secret)], "k1"), clock);
        var text = signer.Sign(Click());

        secret[0] ^= 0xFF;

        Assert.True(signer.Verify(text).IsValid);
    }

    /// <summary>
    /// A v1 or v2 token assembled by hand from the documented layout (independent of the signer, which issues
    /// neither any more): version, kind, 8-byte expiry, origin tag = HMAC(key, 'O' ‖ keyId ‖ decisionId)[0..8],
    /// then 1-byte-length-prefixed key id, decision id, campaign id, combination id (only when given: v1 carries
    /// one, v2 none) and asset id; the MAC is the whole 32-byte HMAC.
    /// </summary>
    private static string HandMade(byte version, SigningKey key, TrackingToken token, string? combinationId)
    {
        var payload = new List<byte> { version, (byte)token.Kind };
        var expires = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(expires, token.ExpiresAt.ToUnixTimeSeconds());
        payload.AddRange(expires);
        var keyAndDecision = Prefixed(key.Id).Concat(Prefixed(token.DecisionId)).ToArray();
        byte[] originInput = [(byte)'O', .. keyAndDecision];
        payload.AddRange(HMACSHA256.HashData(key.Secret, originInput)[..8]);
        payload.AddRange(keyAndDecision);
        payload.AddRange(Prefixed(token.CampaignId));
        if (combinationId is not null)
        {
            payload.AddRange(Prefixed(combinationId));
        }

        payload.AddRange(Prefixed(token.AssetId ?? ""));
        var bytes = payload.ToArray();
        return ToBase64Url(bytes) + "." + ToBase64Url(HMACSHA256.HashData(key.Secret, bytes));
    }

    /// <summary>A v3 token assembled by hand from the documented layout (independent of the signer).</summary>
    private static string HandMadeV3(SigningKey key, TrackingToken token) => SignedV3(key, V3Payload(key, token));

    /// <summary>
    /// The v3 payload by hand: version 3, kind, 4-byte expiry, origin tag = HMAC(key, 'O' ‖ keyId ‖ decisionId)[0..8]
    /// over the fields as written here, then the key id, decision id, campaign id and asset id. A field given as bytes
    /// is written as given, for payloads the signer would never make.
    /// </summary>
    private static byte[] V3Payload(SigningKey key, TrackingToken token, byte[]? decisionField = null, byte[]? campaignField = null, byte[]? assetField = null)
    {
        var expires = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(expires, checked((uint)token.ExpiresAt.ToUnixTimeSeconds()));
        byte[] keyAndDecision = [.. Prefixed(key.Id), .. decisionField ?? HandMadeDecisionId(token.DecisionId)];
        byte[] originInput = [(byte)'O', .. keyAndDecision];
        return
        [
            3, (byte)token.Kind, .. expires, .. HMACSHA256.HashData(key.Secret, originInput)[..8], .. keyAndDecision,
            .. campaignField ?? Prefixed(token.CampaignId), .. assetField ?? Prefixed(token.AssetId ?? ""),
        ];
    }

    /// <summary>v3's decision id field: 0xFF, the page id's 16 bytes and the index for the platform's ids; length and UTF-8 for any other.</summary>
    private static byte[] HandMadeDecisionId(string decisionId)
    {
        var match = PlatformDecisionId.Match(decisionId);
        return match.Success
            ? [0xFF, .. Convert.FromHexString(match.Groups[1].Value), byte.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)]
            : Prefixed(decisionId);
    }

    /// <summary><paramref name="payload"/> with v3's MAC: the first 16 bytes of HMAC-SHA256.</summary>
    private static string SignedV3(SigningKey key, byte[] payload) =>
        ToBase64Url(payload) + "." + ToBase64Url(HMACSHA256.HashData(key.Secret, payload)[..16]);

    private static byte[] Prefixed(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)bytes.Length, .. bytes];
    }

    /// <summary>
    /// <paramref name="text"/> with the character at <paramref name="index"/> changed in the top bit of its six, which
    /// every character uses: a last character's low bits may be unused, and setting them is a non-canonical encoding
    /// (malformed) rather than a changed token.
    /// </summary>
    private static string Replace(string text, int index)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var replacement = Alphabet[Alphabet.IndexOf(text[index], StringComparison.Ordinal) ^ 0b100000];
        return string.Concat(text.AsSpan(0, index), replacement.ToString(), text.AsSpan(index + 1));
    }

    private static byte[] Base64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static string ToBase64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
