using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Dco.Core.Serving.Tracking;

namespace Dco.Core.Tests.Serving.Tracking;

public sealed class TrackingTokenSignerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

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

        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$", text);
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

    [Fact]
    public void Flipping_every_bit_of_the_decoded_payload_and_signature_never_verifies()
    {
        var (signer, _) = Signer();
        var text = signer.Sign(Click());
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
        // Keep the genuine origin tag (bytes 10..17) on the payload naming another decision.
        Array.Copy(genuine, 10, forgedPayload, 10, 8);
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
        // The 32-byte MAC takes 43 characters; the last one carries 2 unused bits.
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

    [Fact]
    public void A_truncated_payload_is_malformed()
    {
        var (signer, _) = Signer();
        var parts = signer.Sign(Click()).Split('.');
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
        Gen.Select(Gen.Byte.Array[0, 120], Gen.Byte.Array[32])
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
    public void A_v2_token_round_trips_every_claim_without_a_combination()
    {
        var (signer, _) = Signer();
        var token = new TrackingToken(TrackingEventKind.Click, "dec-0001", "camp-7", null, "asset-9", Start.AddHours(2));

        var text = signer.Sign(token);
        var result = signer.Verify(text, TrackingEventKind.Click);

        Assert.Equal(2, Base64Url(text.Split('.')[0])[0]);
        Assert.Equal(TrackingTokenStatus.Valid, result.Status);
        Assert.Equal("k1", result.KeyId);
        Assert.Equal(
            (TrackingEventKind.Click, "dec-0001", "camp-7", "asset-9", Start.AddHours(2)),
            (result.Token!.Kind, result.Token.DecisionId, result.Token.CampaignId, result.Token.AssetId, result.Token.ExpiresAt));
        Assert.Null(result.Token.CombinationId);
    }

    [Fact]
    public void A_v2_token_is_exactly_the_documented_layout()
    {
        var (signer, _) = Signer(Key("k1", 1));
        var token = Click();

        Assert.Equal(HandMade(2, Key("k1", 1), token, combinationId: null), signer.Sign(token));
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
    [InlineData(3)]
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
        var byHand = assets.Select(a => "https://x/t?t=" + HandMade(
            2, Key("k1", 1), new TrackingToken(a is null ? TrackingEventKind.Impression : TrackingEventKind.Click, "dec-0001", "camp-7", null, a, expires), null)).ToArray();

        Assert.Equal(oneByOne, together);
        Assert.Equal(byHand, together);
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
        Assert.Equal(Base64Url(a.Split('.')[0])[10..18], Base64Url(c.Split('.')[0])[10..18]);
        Assert.NotEqual(Base64Url(a.Split('.')[0])[10..18], Base64Url(b.Split('.')[0])[10..18]);
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
    public void A_click_token_of_a_served_decision_fits_in_154_characters()
    {
        // Decision ids are a 32-character page id, '-' and an index; the demo campaign is "demo".
        var (signer, _) = Signer(Key("k1", 1));
        var decisionId = "0196f7a0c1e27b3c9a4d5e6f7a8b9c0d-7";
        var assetId = "headline-everyday-20";
        Assert.Equal((34, 20), (decisionId.Length, assetId.Length));

        var text = signer.ForDecision(decisionId, "demo", Start.AddDays(7)).Sign(TrackingEventKind.Click, assetId);

        // Payload 18 + (1+2) + (1+34) + (1+4) + (1+20) = 82 bytes: 110 base64url characters, '.', 43 for the MAC.
        Assert.Equal(154, text.Length);
        Assert.True(text.Length <= 160);
        Assert.True(signer.Verify(text, TrackingEventKind.Click).IsValid);
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
    /// A token assembled by hand from the documented layout (independent of the signer): version, kind,
    /// expiry, origin tag = HMAC(key, 'O' ‖ keyId ‖ decisionId)[0..8], then 1-byte-length-prefixed key id,
    /// decision id, campaign id, combination id (only when given: v1 carries one, v2 none) and asset id.
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

    private static byte[] Prefixed(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)bytes.Length, .. bytes];
    }

    private static string Replace(string text, int index)
    {
        var replacement = text[index] == 'A' ? 'B' : 'A';
        return string.Concat(text.AsSpan(0, index), replacement.ToString(), text.AsSpan(index + 1));
    }

    private static byte[] Base64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static string ToBase64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
