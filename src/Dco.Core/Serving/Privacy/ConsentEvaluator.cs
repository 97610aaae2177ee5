using Dco.Core.Decisioning;
namespace Dco.Core.Serving.Privacy;

/// <summary>Which signal a reason or error is about. (Levels are <see cref="ConsentLevel"/>, shared with the decision engine.)</summary>
public enum ConsentSignal
{
    Default = 0,
    Explicit,
    Gdpr,
    Tcf,
    Gpp,
    UsPrivacy,
    GlobalPrivacyControl,
    ChildDirected,
    LimitAdTracking,
}

/// <summary>The caller's own consent flags (e.g. from its consent banner).</summary>
public sealed record ExplicitConsent(bool Advertising, bool Personalization);

/// <summary>Every consent signal a request may carry; all optional.</summary>
public sealed record ConsentSignals
{
    public ExplicitConsent? Explicit { get; init; }

    /// <summary>True/false when the caller knows whether GDPR applies; null when unknown.</summary>
    public bool? GdprApplies { get; init; }

    /// <summary>A TCF v2 TC string.</summary>
    public string? TcfString { get; init; }

    public string? GppString { get; init; }

    /// <summary>GPP section ids that apply to this request (OpenRTB regs.gpp_sid); null: every section in the string applies.</summary>
    public IReadOnlyList<int>? GppApplicableSections { get; init; }

    /// <summary>An IAB US Privacy string such as "1YNN".</summary>
    public string? UsPrivacy { get; init; }

    /// <summary>The request carried <c>Sec-GPC: 1</c>.</summary>
    public bool GlobalPrivacyControl { get; init; }

    /// <summary>The content is child-directed (COPPA).</summary>
    public bool ChildDirected { get; init; }

    /// <summary>Do-not-track or limit-ad-tracking was set by the device.</summary>
    public bool LimitAdTracking { get; init; }

    /// <summary>True for a <c>Sec-GPC</c> header value of "1" (the only value the GPC spec defines).</summary>
    public static bool IsGlobalPrivacyControlHeader(string? secGpc) =>
        secGpc is not null && secGpc.AsSpan().Trim().SequenceEqual("1");
}

/// <summary>Our side of the consent rules.</summary>
/// <param name="VendorId">Our vendor id in the IAB Global Vendor List.</param>
/// <param name="TreatMalformedAsNoConsent">True: a malformed string counts as "no consent" (level None) instead of a validation error.</param>
/// <param name="LevelWithoutSignals">The level when the request carries no signal at all.</param>
public sealed record ConsentPolicy(int VendorId, bool TreatMalformedAsNoConsent = false, ConsentLevel LevelWithoutSignals = ConsentLevel.ContextualOnly);

/// <summary>One signal's verdict. <see cref="IsOptOut"/> marks a viewer's explicit opt-out (sale, sharing, targeted ads, GPC).</summary>
public sealed record ConsentReason(ConsentSignal Signal, ConsentLevel Level, string Detail, bool IsOptOut = false);

/// <summary>A malformed consent input: <see cref="Field"/> is the request field to point a client at.</summary>
public sealed record ConsentFieldError(ConsentSignal Signal, string Field, string Message);

/// <summary>The consent decision: the level, every signal's verdict, and errors when an input was malformed.</summary>
public sealed record ConsentEvaluation(
    ConsentLevel Level,
    IReadOnlyList<ConsentReason> Reasons,
    IReadOnlyList<ConsentFieldError> Errors,
    bool MeasurementAllowed,
    bool PreciseGeolocationAllowed)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The first signal whose verdict equals the final level: the one that decided.</summary>
    public ConsentReason? DecidedBy
    {
        get
        {
            foreach (var reason in Reasons)
            {
                if (reason.Level == Level)
                {
                    return reason;
                }
            }

            return null;
        }
    }
}

/// <summary>
/// Derives one <see cref="ConsentLevel"/> from every signal on a request: each signal gives a verdict
/// and the most restrictive verdict wins. See docs/decisions/0005-serving-privacy-and-tracking.md for
/// the TCF purpose mapping.
/// </summary>
/// <remarks>
/// TCF (our vendor id, publisher restrictions honoured): Full personalization needs vendor consent and
/// consent for purposes 1 (store/access), 3 (create personalised ads profile), 4 (use it to select
/// ads), plus purpose 2 (basic ads) by consent or legitimate interest; ContextualOnly needs purpose 2
/// by consent, or by legitimate interest with purpose transparency and vendor LI; otherwise None.
/// Purpose 7 (measurement) decides <see cref="ConsentEvaluation.MeasurementAllowed"/>.
/// </remarks>
public sealed class ConsentEvaluator(ConsentPolicy policy)
{
    private const int StoreAccess = 1;
    private const int BasicAds = 2;
    private const int CreateAdsProfile = 3;
    private const int UseAdsProfile = 4;
    private const int Measurement = 7;

    public ConsentPolicy Policy { get; } = policy;

    // Four texts, made once: explicit flags come with most decides.
    private static readonly string[] ExplicitReasons =
    [
        "explicit flags: advertising=False, personalization=False",
        "explicit flags: advertising=False, personalization=True",
        "explicit flags: advertising=True, personalization=False",
        "explicit flags: advertising=True, personalization=True",
    ];

    private static string ExplicitReason(ExplicitConsent flags) =>
        ExplicitReasons[(flags.Advertising ? 2 : 0) + (flags.Personalization ? 1 : 0)];

    public ConsentEvaluation Evaluate(ConsentSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var reasons = new List<ConsentReason>(4);
        var errors = new List<ConsentFieldError>();
        var measurement = true;
        var geolocation = true;

        if (signals.Explicit is { } explicitConsent)
        {
            var level = !explicitConsent.Advertising ? ConsentLevel.None
                : explicitConsent.Personalization ? ConsentLevel.Full : ConsentLevel.ContextualOnly;
            reasons.Add(new(ConsentSignal.Explicit, level, ExplicitReason(explicitConsent)));
            measurement &= explicitConsent.Advertising;
        }

        GppString? gpp = null;
        if (!string.IsNullOrWhiteSpace(signals.GppString))
        {
            var decoded = GppString.Decode(signals.GppString);
            if (decoded.IsSuccess)
            {
                gpp = decoded.Value;
            }
            else
            {
                Malformed(ConsentSignal.Gpp, "gpp", decoded.Error!, reasons, errors);
            }
        }

        var tcfText = signals.TcfString;
        TcfConsentString? tcfFromGpp = null;
        if (gpp is not null)
        {
            EvaluateGpp(gpp, signals.GppApplicableSections, reasons, ref tcfFromGpp);
        }

        if (signals.GdprApplies != false)
        {
            if (!string.IsNullOrWhiteSpace(tcfText))
            {
                var decoded = TcfStringDecoder.Decode(tcfText);
                if (decoded.IsSuccess)
                {
                    EvaluateTcf(decoded.Value!, ConsentSignal.Tcf, reasons, ref measurement, ref geolocation);
                }
                else
                {
                    Malformed(ConsentSignal.Tcf, "tcf", decoded.Error!, reasons, errors);
                }
            }
            else if (tcfFromGpp is not null)
            {
                EvaluateTcf(tcfFromGpp, ConsentSignal.Gpp, reasons, ref measurement, ref geolocation);
            }
            else if (signals.GdprApplies == true)
            {
                reasons.Add(new(ConsentSignal.Gdpr, ConsentLevel.None, "GDPR applies and no TC string was given"));
            }
        }

        if (!string.IsNullOrWhiteSpace(signals.UsPrivacy))
        {
            var decoded = UsPrivacyString.Decode(signals.UsPrivacy);
            if (decoded.IsSuccess)
            {
                EvaluateUsPrivacy(decoded.Value!, ConsentSignal.UsPrivacy, "us_privacy", reasons);
            }
            else
            {
                Malformed(ConsentSignal.UsPrivacy, "usPrivacy", decoded.Error!, reasons, errors);
            }
        }

        if (signals.GlobalPrivacyControl)
        {
            reasons.Add(new(ConsentSignal.GlobalPrivacyControl, ConsentLevel.ContextualOnly, "Sec-GPC: 1 (opt-out of sale and sharing)", IsOptOut: true));
        }

        if (signals.ChildDirected)
        {
            reasons.Add(new(ConsentSignal.ChildDirected, ConsentLevel.ContextualOnly, "child-directed content (COPPA): no profiling"));
        }

        if (signals.LimitAdTracking)
        {
            reasons.Add(new(ConsentSignal.LimitAdTracking, ConsentLevel.ContextualOnly, "do-not-track or limit-ad-tracking is set"));
        }

        if (reasons.Count == 0)
        {
            reasons.Add(new(ConsentSignal.Default, Policy.LevelWithoutSignals, "no consent signal on the request; policy default"));
        }

        var final = ConsentLevel.Full;
        foreach (var reason in reasons)
        {
            if (reason.Level < final)
            {
                final = reason.Level;
            }
        }

        if (errors.Count > 0)
        {
            final = ConsentLevel.None;
        }

        if (final == ConsentLevel.None)
        {
            measurement = false;
        }

        return new ConsentEvaluation(final, reasons, errors, measurement, geolocation && final == ConsentLevel.Full);
    }

    private void Malformed(ConsentSignal signal, string field, string error, List<ConsentReason> reasons, List<ConsentFieldError> errors)
    {
        if (Policy.TreatMalformedAsNoConsent)
        {
            reasons.Add(new(signal, ConsentLevel.None, $"malformed, treated as no consent: {error}"));
        }
        else
        {
            reasons.Add(new(signal, ConsentLevel.None, $"malformed: {error}"));
            errors.Add(new(signal, field, error));
        }
    }

    private static void EvaluateGpp(GppString gpp, IReadOnlyList<int>? applicable, List<ConsentReason> reasons, ref TcfConsentString? tcf)
    {
        if (applicable is not null)
        {
            foreach (var id in applicable)
            {
                if (gpp.Section(id) is null)
                {
                    reasons.Add(new(ConsentSignal.Gpp, ConsentLevel.ContextualOnly,
                        $"applicable GPP section {GppString.SectionName(id)} is missing from the string; assumed contextual only"));
                }
            }
        }

        foreach (var section in gpp.Sections)
        {
            if (applicable is not null && !Contains(applicable, section.Id))
            {
                continue;
            }

            if (section.Tcf is not null)
            {
                tcf = section.Tcf;
            }
            else if (section.UsPrivacy is not null)
            {
                EvaluateUsPrivacy(section.UsPrivacy, ConsentSignal.Gpp, "GPP uspv1", reasons);
            }
            else if (section.UsOptOuts is { } optOuts)
            {
                reasons.Add(optOuts.AnyOptedOut
                    ? new(ConsentSignal.Gpp, ConsentLevel.ContextualOnly,
                        $"GPP {section.Name}: opted out (sale={optOuts.SaleOptOut}, sharing={optOuts.SharingOptOut}, targeted advertising={optOuts.TargetedAdvertisingOptOut})", IsOptOut: true)
                    : new(ConsentSignal.Gpp, ConsentLevel.Full, $"GPP {section.Name}: no opt-out"));
            }
            else if (section.Id is not (3 or 4))
            {
                reasons.Add(new(ConsentSignal.Gpp, ConsentLevel.ContextualOnly,
                    $"GPP {section.Name} is not decoded by this service; assumed contextual only"));
            }
        }
    }

    private static bool Contains(IReadOnlyList<int> ids, int id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
            {
                return true;
            }
        }

        return false;
    }

    private static void EvaluateUsPrivacy(UsPrivacyString usp, ConsentSignal signal, string label, List<ConsentReason> reasons)
    {
        if (usp.HasOptedOutOfSale)
        {
            reasons.Add(new(signal, ConsentLevel.ContextualOnly, $"{label}: opted out of sale", IsOptOut: true));
        }
        else if (!usp.NotApplicable)
        {
            reasons.Add(new(signal, ConsentLevel.Full, $"{label}: no opt-out of sale"));
        }
    }

    private void EvaluateTcf(TcfConsentString tcf, ConsentSignal signal, List<ConsentReason> reasons, ref bool measurement, ref bool geolocation)
    {
        var vendor = Policy.VendorId;
        var full = ByConsent(tcf, StoreAccess) && ByConsent(tcf, CreateAdsProfile) && ByConsent(tcf, UseAdsProfile)
            && (ByConsent(tcf, BasicAds) || ByLegitimateInterest(tcf, BasicAds));
        var contextual = ByConsent(tcf, BasicAds) || ByLegitimateInterest(tcf, BasicAds);
        measurement &= ByConsent(tcf, Measurement) || ByLegitimateInterest(tcf, Measurement);
        geolocation &= tcf.HasSpecialFeatureOptIn(1);

        var level = full ? ConsentLevel.Full : contextual ? ConsentLevel.ContextualOnly : ConsentLevel.None;
        var detail = level switch
        {
            ConsentLevel.Full => $"TC string: vendor {vendor} has consent for purposes 1, 3, 4 and a basis for purpose 2",
            ConsentLevel.ContextualOnly => $"TC string: vendor {vendor} has a basis for purpose 2 (basic ads) but not consent for purposes 1, 3 and 4",
            _ => tcf.VendorConsents.Contains(vendor) || tcf.VendorLegitimateInterests.Contains(vendor)
                ? $"TC string: no consent or legitimate interest for purpose 2 (basic ads) for vendor {vendor}"
                : $"TC string: vendor {vendor} has neither consent nor legitimate interest",
        };
        reasons.Add(new(signal, level, detail));
    }

    private bool ByConsent(TcfConsentString tcf, int purpose) =>
        tcf.HasPurposeConsent(purpose)
        && tcf.VendorConsents.Contains(Policy.VendorId)
        && tcf.RestrictionFor(purpose, Policy.VendorId) is null or PublisherRestrictionType.RequireConsent;

    /// <summary>Only purposes 2 and 7 may rest on legitimate interest for us (1, 3, 4 need consent under TCF 2.2 policy).</summary>
    private bool ByLegitimateInterest(TcfConsentString tcf, int purpose) =>
        purpose is BasicAds or Measurement
        && tcf.HasPurposeLegitimateInterest(purpose)
        && tcf.VendorLegitimateInterests.Contains(Policy.VendorId)
        && tcf.RestrictionFor(purpose, Policy.VendorId) is null or PublisherRestrictionType.RequireLegitimateInterest;
}
