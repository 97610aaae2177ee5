using CsCheck;
using Dco.Core.Serving.Privacy;

namespace Dco.Core.Tests.Serving.Privacy;

/// <summary>Vectors encoded with the IAB reference library @iabgpp/cmpapi 3.2.0 (GppModel.setFieldValue + encode).</summary>
public sealed class GppStringTests
{
    [Theory]
    [InlineData("DBABLA~CEAaAAAAAABA.QA", 7, OptOutState.OptedOut, OptOutState.DidNotOptOut, OptOutState.DidNotOptOut)]
    [InlineData("DBABLA~CAApAAAAAABA.QA", 7, OptOutState.DidNotOptOut, OptOutState.DidNotOptOut, OptOutState.OptedOut)]
    [InlineData("DBABLA~CAAqAAAAAABA.QA", 7, OptOutState.DidNotOptOut, OptOutState.DidNotOptOut, OptOutState.DidNotOptOut)]
    [InlineData("DBABBg~BAkAAABA.QA", 8, OptOutState.DidNotOptOut, OptOutState.OptedOut, OptOutState.NotApplicable)]
    [InlineData("DBABRg~BAkAABA", 9, OptOutState.DidNotOptOut, OptOutState.NotApplicable, OptOutState.OptedOut)]
    [InlineData("DBABJg~BAYAAEA.QA", 10, OptOutState.OptedOut, OptOutState.NotApplicable, OptOutState.DidNotOptOut)]
    [InlineData("DBABFg~BAJAAAQA", 11, OptOutState.DidNotOptOut, OptOutState.NotApplicable, OptOutState.OptedOut)]
    [InlineData("DBABVg~BAoAAAEA.QA", 12, OptOutState.DidNotOptOut, OptOutState.NotApplicable, OptOutState.DidNotOptOut)]
    public void US_national_and_state_sections_decode_their_opt_outs(string gpp, int sectionId, OptOutState sale, OptOutState sharing, OptOutState targeted)
    {
        var decoded = GppString.Decode(gpp).Value!;

        Assert.Equal([sectionId], decoded.SectionIds);
        var optOuts = decoded.Section(sectionId)!.UsOptOuts!;
        Assert.Equal((sale, sharing, targeted), (optOuts.SaleOptOut, optOuts.SharingOptOut, optOuts.TargetedAdvertisingOptOut));
    }

    [Fact]
    public void A_header_with_a_fibonacci_range_lists_consecutive_sections()
    {
        var decoded = GppString.Decode("DBABrw~CAAqAAAAAABA.QA~BAYAAABA.QA").Value!;

        Assert.Equal([7, 8], decoded.SectionIds);
        Assert.Equal(OptOutState.OptedOut, decoded.Section(8)!.UsOptOuts!.SaleOptOut);
    }

    [Fact]
    public void A_string_with_tcf_usp_and_usnat_decodes_every_section()
    {
        var decoded = GppString.Decode("DBACPeA~CQdaBh4QdaBh4EsAAAENCMFgAPIAAAAAAAAAJpQAgF5gTSAAAAAA.IAAA.YAAAAAAAAAAA~1YNN~CAAqAAAAAABA.QA").Value!;

        Assert.Equal([2, 6, 7], decoded.SectionIds);
        var tcf = decoded.Section(2)!.Tcf!;
        Assert.Equal(300, tcf.CmpId);
        Assert.Equal(140, tcf.VendorListVersion);
        Assert.Equal([1, 2, 3, 4, 7], Enumerable.Range(1, 24).Where(tcf.HasPurposeConsent));
        Assert.True(tcf.VendorConsents.Contains(755));
        Assert.True(tcf.VendorConsents.Contains(1234));
        Assert.False(decoded.Section(6)!.UsPrivacy!.HasOptedOutOfSale);
        Assert.False(decoded.Section(7)!.UsOptOuts!.AnyOptedOut);
    }

    [Theory]
    [InlineData("DBABTA~1YYN", 6)]
    [InlineData("DBABAw~BAgAAABA", 13)]
    [InlineData("DBABDA~BQub7YrQub7YrAfAAAENAACAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAA", 5)]
    public void Sections_are_identified_and_undecoded_ones_kept_raw(string gpp, int id)
    {
        var section = GppString.Decode(gpp).Value!.Section(id)!;

        Assert.Equal(id == 6, section.IsDecoded);
        Assert.Equal(GppString.SectionName(id), section.Name);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("DBABLA", "1 section(s) but 0 follow")]
    [InlineData("DBABLA~CAAq~extra", "1 section(s) but 2 follow")]
    [InlineData("CBABLA~CAAqAAAAAABA.QA", "Type must be 3")]
    [InlineData("DCABLA~CAAqAAAAAABA.QA", "Version must be 1")]
    [InlineData("DB*BLA~CAAq", "not base64url")]
    [InlineData("DBABLA~C", "opt-out fields end at bit 24")]
    [InlineData("DBABTA~1XNN", "uspv1")]
    [InlineData("DBABLA~CAA_AAAAAABA.QA", "holds 3")]
    public void Malformed_strings_give_a_specific_error(string gpp, string expected)
    {
        var result = GppString.Decode(gpp);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_text_never_throws()
    {
        Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"], 0, 200]
            .Sample(text => { GppString.Decode("DBA" + text); }, iter: 3_000);
    }
}
