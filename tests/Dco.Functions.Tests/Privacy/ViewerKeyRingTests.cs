using Dco.Infrastructure.Privacy;
using Dco.Infrastructure.Tracking;

namespace Dco.Functions.Tests.Privacy;

public sealed class ViewerKeyRingTests
{
    private static string Secret(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());

    private static ViewerKeyRing Ring(string keys, string? active) =>
        new(new SigningKeyCache(new SettingsSigningKeySource("PRIVACY", keys, active)));

    [Fact]
    public void The_user_key_never_contains_the_raw_viewer_id_and_is_stable()
    {
        var ring = Ring($"p1:{Secret(3)}", null);

        var userKey = ring.Pseudonymizer.Pseudonymize("alice@example.com");

        Assert.DoesNotContain("alice", userKey, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(userKey, Ring($"p1:{Secret(3)}", null).Pseudonymizer.Pseudonymize("alice@example.com"));
    }

    [Fact]
    public void Delete_looks_the_viewer_up_under_every_key_with_the_active_key_first()
    {
        var ring = Ring($"old:{Secret(3)},new:{Secret(4)}", "new");

        var keys = ring.AllUserKeys("alice@example.com");

        Assert.Equal(2, keys.Count);
        Assert.StartsWith("new.", keys[0], StringComparison.Ordinal);
        Assert.Equal(Ring($"old:{Secret(3)}", null).Pseudonymizer.Pseudonymize("alice@example.com"), keys[1]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("bad\u0001id")]
    public void Unusable_viewer_ids_get_a_field_error(string? viewerId) =>
        Assert.NotNull(ViewerPrivacyService.Validate(viewerId));
}
