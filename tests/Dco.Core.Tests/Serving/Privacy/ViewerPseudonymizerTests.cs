using CsCheck;
using Dco.Core.Serving.Privacy;
using Dco.Core.Serving.Tracking;

namespace Dco.Core.Tests.Serving.Privacy;

public sealed class ViewerPseudonymizerTests
{
    private static SigningKey Key(string id, byte fill) => new(id, Enumerable.Repeat(fill, 32).ToArray());

    private readonly ViewerPseudonymizer pseudonymizer = new(new SigningKeyRing([Key("p1", 1), Key("p0", 0)], "p1"));

    [Fact]
    public void The_same_viewer_always_gets_the_same_user_key()
    {
        Assert.Equal(pseudonymizer.Pseudonymize("viewer-123"), pseudonymizer.Pseudonymize("viewer-123"));
    }

    [Fact]
    public void The_user_key_is_the_key_id_and_the_base64url_hmac_and_matches_an_independent_computation()
    {
        var expectedMac = System.Security.Cryptography.HMACSHA256.HashData(
            Enumerable.Repeat((byte)1, 32).ToArray(), "viewer:viewer-123"u8.ToArray());

        Assert.Equal("p1." + System.Buffers.Text.Base64Url.EncodeToString(expectedMac), pseudonymizer.Pseudonymize("viewer-123"));
    }

    [Fact]
    public void The_user_key_never_contains_the_raw_id()
    {
        Assert.DoesNotContain("viewer-123", pseudonymizer.Pseudonymize("viewer-123"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_previous_key_gives_the_pseudonym_profiles_were_stored_under()
    {
        var old = pseudonymizer.Pseudonymize("viewer-123", "p0");

        Assert.StartsWith("p0.", old, StringComparison.Ordinal);
        Assert.NotEqual(old[3..], pseudonymizer.Pseudonymize("viewer-123")[3..]);
    }

    [Fact]
    public void Different_viewers_get_different_user_keys()
    {
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 40], Gen.String[Gen.Char.AlphaNumeric, 1, 40])
            .Where((a, b) => a != b)
            .Sample((a, b) => pseudonymizer.Pseudonymize(a) != pseudonymizer.Pseudonymize(b), iter: 1_000);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\u0000id")]
    public void Unusable_viewer_ids_are_refused_with_a_reason(string raw)
    {
        Assert.NotNull(ViewerPseudonymizer.Validate(raw));
        Assert.Throws<ArgumentException>(() => pseudonymizer.Pseudonymize(raw));
    }

    [Fact]
    public void An_overlong_viewer_id_is_refused_and_the_longest_allowed_one_works()
    {
        Assert.Contains("longer than 512", ViewerPseudonymizer.Validate(new string('x', 513)), StringComparison.Ordinal);
        Assert.StartsWith("p1.", pseudonymizer.Pseudonymize(new string('é', 512)), StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_with_lone_surrogates_are_refused()
    {
        // Built in code: xunit's data serialisation would replace lone surrogates.
        Assert.NotNull(ViewerPseudonymizer.Validate("lone" + (char)0xD83D));
        Assert.NotNull(ViewerPseudonymizer.Validate((char)0xDE00 + "lone"));
    }

    [Fact]
    public void Ids_with_emoji_and_accents_are_accepted()
    {
        Assert.Null(ViewerPseudonymizer.Validate("zoë-😀-user"));
    }

    [Fact]
    public void An_unknown_key_id_is_refused()
    {
        Assert.Throws<ArgumentException>(() => pseudonymizer.Pseudonymize("viewer", "nope"));
    }
}
