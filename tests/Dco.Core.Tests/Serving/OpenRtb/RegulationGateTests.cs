using Dco.Core.Serving.OpenRtb;
using Dco.Core.Serving.Privacy;
using Dco.Core.Tests.Serving.Privacy;

namespace Dco.Core.Tests.Serving.OpenRtb;

public sealed class RegulationGateTests
{
    private const int Us = 755;
    private readonly RegulationGate gate = new(new ConsentEvaluator(new ConsentPolicy(Us, LevelWithoutSignals: ConsentLevel.FullPersonalization)));

    private static BidRequest Request(Regs? regs = null, string? consent = null, Device? device = null)
    {
        var request = OpenRtbSamples.Request();
        return request with
        {
            Regs = regs,
            User = request.User! with { Consent = consent },
            Device = device ?? request.Device,
        };
    }

    private static string Tcf(params int[] purposes) => new TcStringBuilder().Consent(purposes).Vendors(Us).Build();

    [Fact]
    public void Gdpr_with_full_consent_for_our_vendor_bids_with_personalization()
    {
        var decision = gate.Evaluate(Request(new Regs { Gdpr = 1 }, Tcf(1, 2, 3, 4, 7)));

        Assert.True(decision.CanBid);
        Assert.Equal(ConsentLevel.FullPersonalization, decision.Level);
    }

    [Fact]
    public void Gdpr_without_a_tc_string_is_no_bid()
    {
        var decision = gate.Evaluate(Request(new Regs { Gdpr = 1 }));

        Assert.False(decision.CanBid);
        Assert.Equal(NoBidReason.GdprNoConsent, decision.Reason);
    }

    [Fact]
    public void Gdpr_with_a_tc_string_that_omits_our_vendor_is_no_bid()
    {
        var other = new TcStringBuilder().Consent(1, 2, 3, 4).Vendors(1, 2).Build();

        Assert.Equal(NoBidReason.GdprNoConsent, gate.Evaluate(Request(new Regs { Gdpr = 1 }, other)).Reason);
    }

    [Fact]
    public void Gdpr_with_basic_ads_but_no_profile_consent_bids_contextually()
    {
        var decision = gate.Evaluate(Request(new Regs { Gdpr = 1 }, Tcf(1, 2)));

        Assert.True(decision.CanBid);
        Assert.Equal(ConsentLevel.ContextualOnly, decision.Level);
    }

    [Fact]
    public void A_malformed_tc_string_is_no_bid_naming_user_consent()
    {
        var decision = gate.Evaluate(Request(new Regs { Gdpr = 1 }, "%%%"));

        Assert.Equal(NoBidReason.MalformedConsent, decision.Reason);
        Assert.StartsWith("user.consent:", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_us_privacy_opt_out_is_no_bid()
    {
        Assert.Equal(NoBidReason.UsPrivacyOptOut, gate.Evaluate(Request(new Regs { UsPrivacy = "1YYN" })).Reason);
        Assert.True(gate.Evaluate(Request(new Regs { UsPrivacy = "1YNN" })).CanBid);
    }

    [Fact]
    public void A_gpp_opt_out_in_an_applicable_section_is_no_bid()
    {
        var decision = gate.Evaluate(Request(new Regs { Gpp = "DBABLA~CEAaAAAAAABA.QA", GppSid = [7] }));

        Assert.Equal(NoBidReason.GppOptOut, decision.Reason);
        Assert.Contains("usnat", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpp_opt_out_in_a_section_that_does_not_apply_does_not_block()
    {
        // usnat: no opt-out; usca: sale opt-out; only usnat applies.
        var decision = gate.Evaluate(Request(new Regs { Gpp = "DBABrw~CAAqAAAAAABA.QA~BAYAAABA.QA", GppSid = [7] }));

        Assert.True(decision.CanBid);
        Assert.Equal(ConsentLevel.FullPersonalization, decision.Level);
    }

    [Fact]
    public void An_applicable_gpp_section_we_do_not_decode_bids_contextually()
    {
        var decision = gate.Evaluate(Request(new Regs { Gpp = "DBABAw~BAgAAABA", GppSid = [13] }));

        Assert.True(decision.CanBid);
        Assert.Equal(ConsentLevel.ContextualOnly, decision.Level);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void Do_not_track_or_limit_ad_tracking_bids_contextually(int dnt, int lmt)
    {
        var decision = gate.Evaluate(Request(device: new Device { Dnt = dnt, Lmt = lmt }));

        Assert.True(decision.CanBid);
        Assert.Equal(ConsentLevel.ContextualOnly, decision.Level);
    }

    [Fact]
    public void Coppa_bids_contextually()
    {
        var decision = gate.Evaluate(Request(new Regs { Coppa = 1 }));

        Assert.True(decision.CanBid);
        Assert.Equal(ConsentLevel.ContextualOnly, decision.Level);
        Assert.Contains("COPPA", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void No_regulation_signal_follows_the_policy_default()
    {
        Assert.Equal(ConsentLevel.FullPersonalization, gate.Evaluate(Request()).Level);
    }

    [Fact]
    public void Gdpr_zero_ignores_a_denying_tc_string()
    {
        var deny = new TcStringBuilder().Vendors(1).Build();

        Assert.True(gate.Evaluate(Request(new Regs { Gdpr = 0 }, deny)).CanBid);
    }
}
