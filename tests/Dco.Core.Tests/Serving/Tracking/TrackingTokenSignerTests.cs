using System.Security.Cryptography;
using CsCheck;
using Dco.Core.Serving.Tracking;

namespace Dco.Core.Tests.Serving.Tracking;

public sealed class TrackingTokenSignerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static SigningKey Key(string id, byte fill, DateTimeOffset? retiredAt = null) =>
        new(id, Enumerable.Repeat(fill, 32).ToArray(), retiredAt);

    private static TrackingToken Click(DateTimeOffset? expires = null) =>
        new(TrackingEventKind.Click, "dec-0001", "camp-7", "combo-42", "asset-héadline", expires ?? Start.AddHours(1));

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
        var token = new TrackingToken(TrackingEventKind.Impression, "d", "c", "combo", null, Start.AddMinutes(5));

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
                var token = new TrackingToken((TrackingEventKind)kind, decision, campaign, asset + "-combo", asset, Start.AddSeconds(seconds));
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
        // The issuing side keeps the last origin tag per thread; whatever the order of decisions and
        // key rings, every token must carry the tag of its own key and decision, so that altering one
        // stays "tampered" and moving a tag to another decision stays "forged".
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

    private static string Replace(string text, int index)
    {
        var replacement = text[index] == 'A' ? 'B' : 'A';
        return string.Concat(text.AsSpan(0, index), replacement.ToString(), text.AsSpan(index + 1));
    }

    private static byte[] Base64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static string ToBase64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
