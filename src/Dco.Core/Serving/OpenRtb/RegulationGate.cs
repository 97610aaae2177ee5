using Dco.Core.Serving.Privacy;

namespace Dco.Core.Serving.OpenRtb;

/// <summary>Why regulation forbids a bid.</summary>
public enum NoBidReason
{
    None = 0,

    /// <summary>regs.gdpr = 1 and the TC string gives our vendor no basis for basic ads (or there is none).</summary>
    GdprNoConsent,

    /// <summary>A consent string (user.consent, regs.gpp, regs.us_privacy) could not be decoded.</summary>
    MalformedConsent,

    /// <summary>regs.us_privacy says the viewer opted out of sale.</summary>
    UsPrivacyOptOut,

    /// <summary>An applicable GPP section (regs.gpp_sid) carries an opt-out.</summary>
    GppOptOut,

    /// <summary>Some other signal left no consent at all.</summary>
    NoConsent,
}

/// <summary>Bid (at <see cref="Level"/>) or no-bid with the reason; <see cref="Consent"/> keeps every signal's verdict.</summary>
public sealed record RegulationDecision(bool CanBid, ConsentLevel Level, NoBidReason Reason, string Detail, ConsentEvaluation Consent);

/// <summary>
/// Decides from an OpenRTB 2.6 request whether regulation lets us bid, and how personal the bid may be.
/// </summary>
/// <remarks>
/// No bid: regs.gdpr = 1 without a TC string granting our vendor a basis for purpose 2; a malformed consent
/// string (we cannot prove consent, so we do not bid rather than answer 400); regs.us_privacy opt-out of sale;
/// an opt-out in an applicable GPP section. Contextual only (we bid, but no profile, user id or frequency
/// data): regs.coppa = 1, device.dnt = 1, device.lmt = 1, a GPP section we do not decode, missing profile
/// consent. Rationale in docs/decisions/0005-serving-privacy-and-tracking.md.
/// </remarks>
public sealed class RegulationGate(ConsentEvaluator evaluator)
{
    public RegulationDecision Evaluate(BidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var regs = request.Regs;
        var signals = new ConsentSignals
        {
            GdprApplies = regs?.Gdpr switch { 1 => true, 0 => false, _ => null },
            TcfString = request.User?.Consent,
            GppString = regs?.Gpp,
            GppApplicableSections = regs?.GppSid is { Count: > 0 } sids ? sids : null,
            UsPrivacy = regs?.UsPrivacy,
            ChildDirected = regs?.Coppa == 1,
            LimitAdTracking = request.Device?.Dnt == 1 || request.Device?.Lmt == 1,
        };

        var consent = evaluator.Evaluate(signals);
        if (!consent.IsValid)
        {
            var error = consent.Errors[0];
            return NoBid(NoBidReason.MalformedConsent, $"{FieldOf(error.Signal)}: {error.Message}", consent);
        }

        foreach (var reason in consent.Reasons)
        {
            if (reason.IsOptOut && reason.Signal == ConsentSignal.UsPrivacy)
            {
                return NoBid(NoBidReason.UsPrivacyOptOut, reason.Detail, consent);
            }

            if (reason.IsOptOut && reason.Signal == ConsentSignal.Gpp)
            {
                return NoBid(NoBidReason.GppOptOut, reason.Detail, consent);
            }
        }

        if (consent.Level == ConsentLevel.None)
        {
            var decisive = consent.DecidedBy!;
            var reason = signals.GdprApplies == true && decisive.Signal is ConsentSignal.Gdpr or ConsentSignal.Tcf or ConsentSignal.Gpp
                ? NoBidReason.GdprNoConsent
                : NoBidReason.NoConsent;
            return NoBid(reason, decisive.Detail, consent);
        }

        return new RegulationDecision(true, consent.Level, NoBidReason.None, consent.DecidedBy?.Detail ?? string.Empty, consent);
    }

    private static RegulationDecision NoBid(NoBidReason reason, string detail, ConsentEvaluation consent) =>
        new(false, ConsentLevel.None, reason, detail, consent);

    private static string FieldOf(ConsentSignal signal) => signal switch
    {
        ConsentSignal.Tcf => "user.consent",
        ConsentSignal.Gpp => "regs.gpp",
        ConsentSignal.UsPrivacy => "regs.us_privacy",
        _ => "regs",
    };
}
