using Dco.Core.Decisioning;
using Dco.Core.Serving.Tracking;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dco.Functions.Tests.Tracking;

public sealed class TrackingKeysAndUrlsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static string Secret(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());

    private static DecisionRecord Record() => new()
    {
        DecisionId = "dec-1",
        CampaignId = "camp-1",
        CampaignVersion = "1",
        PolicyName = "uniform",
        PolicyVersion = "1.0",
        DecidedAt = Now,
        Consent = ConsentLevel.Full,
        AssetIds = ["headline-1", "image-2"],
        Propensity = 0.25,
    };

    private static (TrackingUrls Urls, TrackingKeyRing Ring) Build(string keys, string? active, FakeTimeProvider time)
    {
        var ring = new TrackingKeyRing(new SigningKeyCache(new SettingsSigningKeySource("TRACKING", keys, active)), time);
        return (new TrackingUrls(ring, Options.Create(new TrackingOptions())), ring);
    }

    private static string TokenOf(string url) => url[(url.IndexOf("?t=", StringComparison.Ordinal) + 3)..];

    [Fact]
    public void Click_urls_carry_a_signed_token_naming_the_asset_and_never_a_destination()
    {
        var time = new FakeTimeProvider(Now);
        var (urls, ring) = Build($"k1:{Secret(1)}", null, time);

        var links = urls.LinksFor(Record(), new Uri("https://dco.example.com"));

        Assert.StartsWith("https://dco.example.com/api/t/c?t=", links.ClickUrl("image-2"), StringComparison.Ordinal);
        var verified = ring.Signer.Verify(TokenOf(links.ClickUrl("image-2")), TrackingEventKind.Click);
        Assert.True(verified.IsValid);
        Assert.Equal(("dec-1", "camp-1", "image-2"), (verified.Token!.DecisionId, verified.Token.CampaignId, verified.Token.AssetId));
        Assert.Null(verified.Token.CombinationId);
        Assert.DoesNotContain("shop", links.ClickUrl("image-2"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_decisions_links_are_its_tokens_signed_one_by_one_without_the_combination()
    {
        var time = new FakeTimeProvider(Now);
        var (urls, ring) = Build($"k1:{Secret(1)}", null, time);
        var expires = Now + new TrackingOptions().TokenLifetime;

        var links = urls.LinksFor(Record(), new Uri("https://dco.example.com/"));

        Assert.Equal(
            ring.Signer.Sign(new TrackingToken(TrackingEventKind.Impression, "dec-1", "camp-1", null, null, expires), "https://dco.example.com/api/t/i?t="),
            links.ImpressionUrl);
        Assert.Equal(
            ["headline-1", "image-2"],
            links.ClickUrls.Where(p => p.Value == ring.Signer.Sign(new TrackingToken(TrackingEventKind.Click, "dec-1", "camp-1", null, p.Key, expires), "https://dco.example.com/api/t/c?t=")).Select(p => p.Key).Order());
    }

    [Fact]
    public void A_click_url_is_signed_when_asked_for_the_same_each_time_and_only_for_a_chosen_asset()
    {
        var time = new FakeTimeProvider(Now);
        var (urls, _) = Build($"k1:{Secret(1)}", null, time);
        var links = urls.LinksFor(Record(), new Uri("https://dco.example.com/"));

        var first = links.ClickUrl("headline-1");
        time.Advance(TimeSpan.FromMinutes(5)); // signed later, still the decision's token: expiry comes from the decision

        Assert.Equal(first, links.ClickUrl("headline-1"));
        Assert.NotEqual(first, links.ClickUrl("image-2"));
        var refused = Assert.Throws<ArgumentException>(() => links.ClickUrl("image-9"));
        Assert.Contains("image-9", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Links_signed_up_front_are_the_same_text_as_signed_one_by_one_and_only_for_assets_with_a_destination()
    {
        var time = new FakeTimeProvider(Now);
        var (urls, ring) = Build($"k1:{Secret(1)}", null, time);
        var expires = Now + new TrackingOptions().TokenLifetime;
        var record = Record() with { AssetIds = ["headline-1", "image-2", "cta-é-3", new string('x', 200)] };
        var destinations = new Dictionary<string, string> { ["headline-1"] = "https://shop.example/a", ["cta-é-3"] = "https://shop.example/b", [record.AssetIds[3]] = "https://shop.example/c" };

        var links = urls.LinksFor(record, new Uri("https://dco.example.com/"), destinations);

        var impression = ring.Signer.Sign(new TrackingToken(TrackingEventKind.Impression, "dec-1", "camp-1", null, null, expires), "https://dco.example.com/api/t/i?t=");
        Assert.Equal(impression, links.ImpressionUrl);
        Assert.Equal(impression, System.Text.Encoding.UTF8.GetString(links.ImpressionUrlUtf8));
        for (var slot = 0; slot < record.AssetIds.Count; slot++)
        {
            var asset = record.AssetIds[slot];
            var signed = ring.Signer.Sign(new TrackingToken(TrackingEventKind.Click, "dec-1", "camp-1", null, asset, expires), "https://dco.example.com/api/t/c?t=");
            Assert.Equal(destinations.ContainsKey(asset), links.HasClickUrl(slot));
            Assert.Equal(destinations.ContainsKey(asset) ? signed : null, links.ClickUrlOf(slot));
            Assert.Equal(destinations.ContainsKey(asset) ? signed : "", System.Text.Encoding.UTF8.GetString(links.ClickUrlUtf8(slot)));
            Assert.Equal(signed, links.ClickUrl(asset)); // also the image, which has no destination: signed when asked for
        }

        Assert.False(links.HasClickUrl(-1));
        Assert.False(links.HasClickUrl(record.AssetIds.Count));
        Assert.True(links.ClickUrlUtf8(record.AssetIds.Count).IsEmpty);
    }

    [Fact]
    public void Released_links_keep_the_strings_made_before_and_refuse_their_bytes()
    {
        var (urls, _) = Build($"k1:{Secret(1)}", null, new FakeTimeProvider(Now));
        var links = urls.LinksFor(Record(), new Uri("https://dco.example.com/"), new Dictionary<string, string> { ["headline-1"] = "https://shop.example/a" });
        var impression = links.ImpressionUrl;

        links.Release();
        links.Release(); // twice: nothing more

        Assert.Equal(impression, links.ImpressionUrl);
        Assert.Throws<ObjectDisposedException>(() => links.ImpressionUrlUtf8.Length);
        Assert.Throws<ObjectDisposedException>(() => links.ClickUrlUtf8(0).Length);
        Assert.Throws<ObjectDisposedException>(() => links.ClickUrlOf(0));
    }

    [Fact]
    public void A_demo_click_url_is_143_characters()
    {
        var time = new FakeTimeProvider(Now);
        var (urls, _) = Build($"local1:{Secret(1)}", null, time);
        var decision = Record() with
        {
            DecisionId = "0196f7a0c1e27b3c9a4d5e6f7a8b9c0d-7",
            CampaignId = "demo",
            AssetIds = ["headline-rain-ready", "image-sku-rain-jacket", "cta-stay-dry", "disclaimer-legal", "background-storm"],
        };

        var url = urls.LinksFor(decision, new Uri("http://127.0.0.1:7071/")).ClickUrl("image-sku-rain-jacket");

        // 32 for http://127.0.0.1:7071/api/t/c?t= and 111 for the token: payload v3 is 66 bytes (the decision id
        // packed into 18), 88 characters, '.', 22 for the 16-byte MAC. A v2 token was 160 characters (192 in all),
        // a v1 token also carried the 88-character combination (311 in all).
        Assert.Equal(143, url.Length);
    }

    [Fact]
    public void Every_decision_id_the_log_writer_gives_is_packed_into_its_tokens_and_comes_back_unchanged()
    {
        // Core packs ids of the shape DecisionIds formats without referencing it: if the two drifted apart, tokens
        // would silently grow back by 18 characters. A packed id makes every token below the same length.
        var time = new FakeTimeProvider(Now);
        var (_, ring) = Build($"k1:{Secret(1)}", null, time);
        var page = Guid.CreateVersion7(Now).ToString("N");
        var ids = Enumerable.Range(0, DecisionLogWriter.PageCapacity).Select(index => DecisionIds.Format(page, index)).ToArray();

        var tokens = ids.Select(id => ring.Signer.Sign(new TrackingToken(TrackingEventKind.Click, id, "demo", null, "a", Now.AddDays(7)))).ToArray();

        // Payload 14 + (1+2) + (1+16+1) + (1+4) + (1+1) = 42 bytes: 56 characters, '.', 22.
        Assert.Equal([79], tokens.Select(t => t.Length).Distinct());
        Assert.Equal(ids, tokens.Select(t => ring.Signer.Verify(t).Token!.DecisionId));
    }

    [Fact]
    public void Impression_token_expires_after_the_configured_lifetime()
    {
        var time = new FakeTimeProvider(Now);
        var (urls, ring) = Build($"k1:{Secret(1)}", null, time);
        var token = TokenOf(urls.LinksFor(Record(), new Uri("https://dco.example.com/")).ImpressionUrl);

        time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(5));

        Assert.Equal(TrackingTokenStatus.Expired, ring.Signer.Verify(token, TrackingEventKind.Impression).Status);
    }

    [Fact]
    public void A_token_signed_before_rotation_still_verifies_when_a_new_key_becomes_active()
    {
        var time = new FakeTimeProvider(Now);
        var (before, _) = Build($"old:{Secret(1)}", null, time);
        var token = TokenOf(before.LinksFor(Record(), new Uri("https://x.example/")).ClickUrl("headline-1"));

        var (after, ring) = Build($"old:{Secret(1)},new:{Secret(2)}", "new", time);
        var fresh = TokenOf(after.LinksFor(Record(), new Uri("https://x.example/")).ClickUrl("headline-1"));

        Assert.True(ring.Signer.Verify(token, TrackingEventKind.Click).IsValid);
        Assert.Equal("new", ring.Signer.Verify(fresh, TrackingEventKind.Click).KeyId);
    }

    [Theory]
    [InlineData("k1:c2hvcnQ=", "at least 32")]
    [InlineData("no-colon", "id:base64")]
    [InlineData("bad id!:AAAA", "must be 1-16")]
    public void Bad_local_key_settings_fail_with_the_setting_named(string keys, string expected)
    {
        var source = new SettingsSigningKeySource("TRACKING", keys, null);

        var error = Assert.Throws<InvalidOperationException>(() => source.LoadAsync(CancellationToken.None).GetAwaiter().GetResult());

        Assert.Contains("TRACKING__keys", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_Vault_versions_make_a_ring_where_the_newest_signs_and_all_verify()
    {
        var ring = KeyVaultSigningKeySource.ToRing("tracking-signing-key",
        [
            new KeyVaultSecretVersion("0123456789abcdef0123456789abcdef", Now.AddDays(-30), Secret(1)),
            new KeyVaultSecretVersion("fedcba9876543210fedcba9876543210", Now.AddDays(-1), Secret(2)),
        ]);

        Assert.Equal("fedcba9876543210", ring.Active.Id);
        Assert.True(ring.TryGetKey("0123456789abcdef", out _));
    }

    [Fact]
    public void Key_Vault_without_an_enabled_version_says_what_to_create()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KeyVaultSigningKeySource.ToRing("tracking-signing-key", []));

        Assert.Contains("no enabled version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_combinations_get_a_short_stable_hashed_id()
    {
        var assets = Enumerable.Range(0, 12).Select(i => $"asset-with-a-rather-long-id-{i}").ToArray();

        var id = Combinations.IdOf(assets);

        Assert.StartsWith("h_", id, StringComparison.Ordinal);
        Assert.Equal(id, Combinations.IdOf([.. assets]));
        Assert.NotEqual(id, Combinations.IdOf([.. assets.Reverse()]));
    }
}
