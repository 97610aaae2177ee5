using Dco.Core.Serving.Privacy;
using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Serving.Privacy;

public sealed class ConsentEvaluatorTests
{
    private const int Us = 755;
    private readonly ConsentEvaluator evaluator = new(new ConsentPolicy(Us));

    private static string Tcf(Action<TcStringBuilder> configure)
    {
        var builder = new TcStringBuilder();
        configure(builder);
        return builder.Build();
    }

    private static readonly string FullConsent = Tcf(b => b.Consent(1, 2, 3, 4, 7).Vendors(Us));

    [Fact]
    public void A_tc_string_granting_us_purposes_1_to_4_allows_full_personalization()
    {
        var result = evaluator.Evaluate(new ConsentSignals { GdprApplies = true, TcfString = FullConsent });

        Assert.Equal(ConsentLevel.Full, result.Level);
        Assert.True(result.MeasurementAllowed);
        Assert.Equal(ConsentSignal.Tcf, result.DecidedBy!.Signal);
    }

    [Fact]
    public void Basic_ads_on_legitimate_interest_without_profile_consent_is_contextual_only()
    {
        var tcf = Tcf(b => b.Consent(1).LegitimateInterest(2, 7).VendorsLi(Us).Vendors(Us));

        var result = evaluator.Evaluate(new ConsentSignals { GdprApplies = true, TcfString = tcf });

        Assert.Equal(ConsentLevel.ContextualOnly, result.Level);
        Assert.True(result.MeasurementAllowed);
    }

    [Fact]
    public void Purpose_consent_without_our_vendor_consent_allows_nothing()
    {
        var tcf = Tcf(b => b.Consent(1, 2, 3, 4, 7).Vendors(1, 2, 3));

        var result = evaluator.Evaluate(new ConsentSignals { GdprApplies = true, TcfString = tcf });

        Assert.Equal(ConsentLevel.None, result.Level);
        Assert.False(result.MeasurementAllowed);
        Assert.Contains("neither consent nor legitimate interest", result.DecidedBy!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Legitimate_interest_cannot_stand_in_for_profile_consent()
    {
        var tcf = Tcf(b => b.Consent(2).LegitimateInterest(1, 3, 4).Vendors(Us).VendorsLi(Us));

        Assert.Equal(ConsentLevel.ContextualOnly, evaluator.Evaluate(new ConsentSignals { TcfString = tcf }).Level);
    }

    [Fact]
    public void A_publisher_restriction_forbidding_purpose_3_for_us_drops_to_contextual()
    {
        var builder = new TcStringBuilder().Consent(1, 2, 3, 4).Vendors(Us);
        builder.Restrictions.Add((3, 0, [Us]));

        Assert.Equal(ConsentLevel.ContextualOnly, evaluator.Evaluate(new ConsentSignals { TcfString = builder.Build() }).Level);
    }

    [Fact]
    public void A_publisher_restriction_requiring_consent_rules_out_legitimate_interest_for_basic_ads()
    {
        var builder = new TcStringBuilder().LegitimateInterest(2).VendorsLi(Us);
        builder.Restrictions.Add((2, 1, [Us]));

        Assert.Equal(ConsentLevel.None, evaluator.Evaluate(new ConsentSignals { TcfString = builder.Build() }).Level);
    }

    [Fact]
    public void Gdpr_applying_without_a_tc_string_allows_nothing()
    {
        var result = evaluator.Evaluate(new ConsentSignals { GdprApplies = true });

        Assert.Equal(ConsentLevel.None, result.Level);
        Assert.Equal(ConsentSignal.Gdpr, result.DecidedBy!.Signal);
    }

    [Fact]
    public void A_tc_string_is_ignored_when_the_caller_says_gdpr_does_not_apply()
    {
        var deny = Tcf(b => b.Vendors(1));

        var result = evaluator.Evaluate(new ConsentSignals { GdprApplies = false, TcfString = deny, UsPrivacy = "1YNN" });

        Assert.Equal(ConsentLevel.Full, result.Level);
    }

    [Fact]
    public void A_malformed_tc_string_is_a_field_error_not_an_exception()
    {
        var result = evaluator.Evaluate(new ConsentSignals { GdprApplies = true, TcfString = "not a tc string" });

        Assert.False(result.IsValid);
        Assert.Equal(ConsentLevel.None, result.Level);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("tcf", ConsentSignal.Tcf), (error.Field, error.Signal));
        Assert.Contains("base64url", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConsentSignal.Tcf, result.DecidedBy!.Signal);
    }

    [Fact]
    public void The_caller_may_treat_malformed_strings_as_no_consent()
    {
        var lenient = new ConsentEvaluator(new ConsentPolicy(Us, TreatMalformedAsNoConsent: true));

        var result = lenient.Evaluate(new ConsentSignals { UsPrivacy = "garbage", GppString = "DBABLA" });

        Assert.True(result.IsValid);
        Assert.Equal(ConsentLevel.None, result.Level);
        Assert.Contains(result.Reasons, r => r.Signal == ConsentSignal.UsPrivacy && r.Detail.StartsWith("malformed", StringComparison.Ordinal));
        Assert.Contains(result.Reasons, r => r.Signal == ConsentSignal.Gpp && r.Detail.StartsWith("malformed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1YYN", ConsentLevel.ContextualOnly)]
    [InlineData("1YNN", ConsentLevel.Full)]
    [InlineData("1---", ConsentLevel.ContextualOnly)] // not applicable: no signal, policy default
    public void The_us_privacy_string_opt_out_of_sale_removes_personalization(string usp, ConsentLevel expected)
    {
        Assert.Equal(expected, evaluator.Evaluate(new ConsentSignals { UsPrivacy = usp }).Level);
    }

    [Fact]
    public void Global_privacy_control_removes_personalization_even_with_full_tcf_consent()
    {
        var result = evaluator.Evaluate(new ConsentSignals { TcfString = FullConsent, GlobalPrivacyControl = true });

        Assert.Equal(ConsentLevel.ContextualOnly, result.Level);
        Assert.Equal(ConsentSignal.GlobalPrivacyControl, result.DecidedBy!.Signal);
    }

    [Theory]
    [InlineData("DBABLA~CEAaAAAAAABA.QA", ConsentLevel.ContextualOnly)]  // usnat sale opt-out
    [InlineData("DBABLA~CAApAAAAAABA.QA", ConsentLevel.ContextualOnly)]  // usnat targeted advertising opt-out
    [InlineData("DBABLA~CAAqAAAAAABA.QA", ConsentLevel.Full)]
    [InlineData("DBABBg~BAkAAABA.QA", ConsentLevel.ContextualOnly)]      // usca sharing opt-out
    [InlineData("DBABRg~BAkAABA", ConsentLevel.ContextualOnly)]          // usva targeted advertising opt-out
    [InlineData("DBABVg~BAoAAAEA.QA", ConsentLevel.Full)] // usct no opt-out
    [InlineData("DBABTA~1YYN", ConsentLevel.ContextualOnly)]             // uspv1 inside GPP
    public void Gpp_us_sections_decide_by_their_opt_outs(string gpp, ConsentLevel expected)
    {
        Assert.Equal(expected, evaluator.Evaluate(new ConsentSignals { GppString = gpp }).Level);
    }

    [Fact]
    public void An_undecoded_gpp_section_falls_back_to_contextual_and_says_so()
    {
        var result = evaluator.Evaluate(new ConsentSignals { GppString = "DBABAw~BAgAAABA" });

        Assert.Equal(ConsentLevel.ContextualOnly, result.Level);
        Assert.Contains("usfl is not decoded", result.DecidedBy!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_applicable_gpp_sections_count()
    {
        // usnat says no opt-out, usca says opted out of sale: only usnat applies here.
        var signals = new ConsentSignals { GppString = "DBABrw~CAAqAAAAAABA.QA~BAYAAABA.QA", GppApplicableSections = [7] };

        Assert.Equal(ConsentLevel.Full, evaluator.Evaluate(signals).Level);
        Assert.Equal(ConsentLevel.ContextualOnly, evaluator.Evaluate(signals with { GppApplicableSections = [7, 8] }).Level);
    }

    [Fact]
    public void An_applicable_section_missing_from_the_gpp_string_is_treated_conservatively()
    {
        var result = evaluator.Evaluate(new ConsentSignals { GppString = "DBABLA~CAAqAAAAAABA.QA", GppApplicableSections = [7, 9] });

        Assert.Equal(ConsentLevel.ContextualOnly, result.Level);
        Assert.Contains("usva is missing", result.DecidedBy!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tcf_section_inside_gpp_is_used_when_no_separate_tc_string_is_given()
    {
        // Section 2 grants purposes 1-4 and 7 to vendor 755 (encoded with @iabgpp/cmpapi).
        var gpp = "DBACPeA~CQdaBh4QdaBh4EsAAAENCMFgAPIAAAAAAAAAJpQAgF5gTSAAAAAA.IAAA.YAAAAAAAAAAA~1YNN~CAAqAAAAAABA.QA";

        var result = evaluator.Evaluate(new ConsentSignals { GdprApplies = true, GppString = gpp });

        Assert.Equal(ConsentLevel.Full, result.Level);
        Assert.Contains(result.Reasons, r => r.Signal == ConsentSignal.Gpp && r.Detail.StartsWith("TC string", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, false, ConsentLevel.None)]
    [InlineData(true, false, ConsentLevel.ContextualOnly)]
    [InlineData(true, true, ConsentLevel.Full)]
    [InlineData(false, true, ConsentLevel.None)]
    public void Explicit_flags_map_to_levels(bool advertising, bool personalization, ConsentLevel expected)
    {
        var result = evaluator.Evaluate(new ConsentSignals { Explicit = new ExplicitConsent(advertising, personalization) });

        Assert.Equal(expected, result.Level);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal((ConsentSignal.Explicit, expected), (reason.Signal, reason.Level));
        Assert.Equal($"explicit flags: advertising={advertising}, personalization={personalization}", reason.Detail);
    }

    [Fact]
    public void The_most_restrictive_signal_wins()
    {
        var result = evaluator.Evaluate(new ConsentSignals
        {
            Explicit = new ExplicitConsent(true, true),
            TcfString = FullConsent,
            UsPrivacy = "1YYN",
        });

        Assert.Equal(ConsentLevel.ContextualOnly, result.Level);
        Assert.Equal(ConsentSignal.UsPrivacy, result.DecidedBy!.Signal);
        Assert.Equal(3, result.Reasons.Count);
    }

    [Fact]
    public void Child_directed_content_and_limit_ad_tracking_are_contextual_only()
    {
        Assert.Equal(ConsentLevel.ContextualOnly, evaluator.Evaluate(new ConsentSignals { TcfString = FullConsent, ChildDirected = true }).Level);
        Assert.Equal(ConsentLevel.ContextualOnly, evaluator.Evaluate(new ConsentSignals { TcfString = FullConsent, LimitAdTracking = true }).Level);
    }

    [Fact]
    public void Without_any_signal_the_policy_default_applies()
    {
        var strict = new ConsentEvaluator(new ConsentPolicy(Us, LevelWithoutSignals: ConsentLevel.None));

        Assert.Equal(ConsentLevel.ContextualOnly, evaluator.Evaluate(new ConsentSignals()).Level);
        Assert.Equal(ConsentLevel.None, strict.Evaluate(new ConsentSignals()).Level);
        Assert.Equal(ConsentSignal.Default, strict.Evaluate(new ConsentSignals()).DecidedBy!.Signal);
    }

    [Fact]
    public void Precise_geolocation_needs_the_special_feature_opt_in()
    {
        var withGeo = new TcStringBuilder().Consent(1, 2, 3, 4).Vendors(Us);
        withGeo.SpecialFeatures.Add(1);

        Assert.True(evaluator.Evaluate(new ConsentSignals { TcfString = withGeo.Build() }).PreciseGeolocationAllowed);
        Assert.False(evaluator.Evaluate(new ConsentSignals { TcfString = FullConsent }).PreciseGeolocationAllowed);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData(" 1 ", true)]
    [InlineData("0", false)]
    [InlineData("true", false)]
    [InlineData(null, false)]
    public void Only_sec_gpc_1_turns_on_global_privacy_control(string? header, bool expected)
    {
        Assert.Equal(expected, ConsentSignals.IsGlobalPrivacyControlHeader(header));
    }
}
