using CsCheck;
using Dco.Core.Serving.Privacy;

namespace Dco.Core.Tests.Serving.Privacy;

public sealed class TcfStringDecoderTests
{
    [Fact]
    public void The_public_example_from_the_TCF_v2_specification_decodes_to_the_fields_the_IAB_library_reads()
    {
        // Fields as read by @iabtechlabtcf/core 1.x TCString.decode for the same string.
        var tcf = TcfStringDecoder.Decode("COvFyGBOvFyGBAbAAAENAPCAAOAAAAAAAAAAAEEUACCKAAA").Value!;

        Assert.Equal(2, tcf.Version);
        Assert.Equal(DateTimeOffset.Parse("2020-02-20T23:57:39.300Z", System.Globalization.CultureInfo.InvariantCulture), tcf.Created);
        Assert.Equal(tcf.Created, tcf.LastUpdated);
        Assert.Equal(27, tcf.CmpId);
        Assert.Equal(0, tcf.CmpVersion);
        Assert.Equal("EN", tcf.ConsentLanguage);
        Assert.Equal(15, tcf.VendorListVersion);
        Assert.Equal(2, tcf.TcfPolicyVersion);
        Assert.False(tcf.IsServiceSpecific);
        Assert.Equal([1, 2, 3], Enumerable.Range(1, 24).Where(tcf.HasPurposeConsent));
        Assert.Equal(0, tcf.PurposesLegitimateInterestTransparency);
        Assert.Equal(0, tcf.SpecialFeatureOptIns);
        Assert.Equal("AA", tcf.PublisherCountryCode);
        Assert.Equal([2, 6, 8], Enumerable.Range(1, 20).Where(tcf.VendorConsents.Contains));
        Assert.Equal([2, 6, 8], Enumerable.Range(1, 20).Where(tcf.VendorLegitimateInterests.Contains));
    }

    [Fact]
    public void Every_core_field_written_by_the_test_encoder_is_read_back()
    {
        var builder = new TcStringBuilder
        {
            CmpId = 4095,
            CmpVersion = 17,
            ConsentScreen = 63,
            ConsentLanguage = "FR",
            VendorListVersion = 321,
            PolicyVersion = 4,
            IsServiceSpecific = false,
            UseNonStandardTexts = true,
            PurposeOneTreatment = true,
            PublisherCountryCode = "IT",
            CreatedDeciseconds = 17_000_000_005L,
            LastUpdatedDeciseconds = 17_000_000_015L,
        }.Consent(1, 4, 24).LegitimateInterest(2, 7).Vendors(1, 755, 1000).VendorsLi(3);
        builder.SpecialFeatures.Add(1);

        var tcf = TcfStringDecoder.Decode(builder.Build()).Value!;

        Assert.Equal((4095, 17, 63, "FR", 321, 4), (tcf.CmpId, tcf.CmpVersion, tcf.ConsentScreen, tcf.ConsentLanguage, tcf.VendorListVersion, tcf.TcfPolicyVersion));
        Assert.Equal((false, true, true, "IT"), (tcf.IsServiceSpecific, tcf.UseNonStandardTexts, tcf.PurposeOneTreatment, tcf.PublisherCountryCode));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500L), tcf.Created);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_500L), tcf.LastUpdated);
        Assert.Equal([1, 4, 24], Enumerable.Range(1, 24).Where(tcf.HasPurposeConsent));
        Assert.Equal([2, 7], Enumerable.Range(1, 24).Where(tcf.HasPurposeLegitimateInterest));
        Assert.True(tcf.HasSpecialFeatureOptIn(1));
        Assert.False(tcf.HasSpecialFeatureOptIn(2));
        Assert.Equal([1, 755, 1000], Enumerable.Range(1, 1100).Where(tcf.VendorConsents.Contains));
        Assert.Equal([3], Enumerable.Range(1, 1100).Where(tcf.VendorLegitimateInterests.Contains));
    }

    [Fact]
    public void Range_encoded_vendor_sections_decode_single_ids_and_ranges()
    {
        var builder = new TcStringBuilder { RangeEncodeVendors = true }.Vendors(5, 6, 7, 8, 755, 2000).VendorsLi(10, 11);

        var tcf = TcfStringDecoder.Decode(builder.Build()).Value!;

        Assert.Equal([5, 6, 7, 8, 755, 2000], Enumerable.Range(1, 2100).Where(tcf.VendorConsents.Contains));
        Assert.Equal([10, 11], Enumerable.Range(1, 2100).Where(tcf.VendorLegitimateInterests.Contains));
        Assert.Equal(2000, tcf.VendorConsents.MaxVendorId);
    }

    [Fact]
    public void Publisher_restrictions_are_decoded_per_purpose_and_vendor()
    {
        var builder = new TcStringBuilder().Vendors(755);
        builder.Restrictions.Add((3, 0, [700, 750, 751, 752, 753, 754, 755]));
        builder.Restrictions.Add((2, 1, [755]));

        var tcf = TcfStringDecoder.Decode(builder.Build()).Value!;

        Assert.Equal(PublisherRestrictionType.NotAllowed, tcf.RestrictionFor(3, 755));
        Assert.Equal(PublisherRestrictionType.RequireConsent, tcf.RestrictionFor(2, 755));
        Assert.Null(tcf.RestrictionFor(3, 701));
        Assert.Null(tcf.RestrictionFor(4, 755));
    }

    [Fact]
    public void Segments_after_the_core_segment_are_ignored()
    {
        var core = new TcStringBuilder().Consent(1).Vendors(9).Build();

        var tcf = TcfStringDecoder.Decode(core + ".IAAA.YAAAAAAAAAAA").Value!;

        Assert.True(tcf.VendorConsents.Contains(9));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("CO$vFyGB", "not base64url")]
    [InlineData("BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA", "only TCF v2")]
    public void Malformed_strings_give_a_specific_error(string? text, string expected)
    {
        var result = TcfStringDecoder.Decode(text);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_string_names_the_first_field_it_could_not_read()
    {
        var full = new TcStringBuilder().Consent(1, 2).Vendors(755).Build();

        // 6+36+36+12+12+6+12+12+6+1+1+12 = 152 bits = 25.3 characters: cut inside PurposesConsent.
        var result = TcfStringDecoder.Decode(full[..26]);

        Assert.Contains("PurposesConsent", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_prefix_of_a_valid_string_either_fails_cleanly_or_decodes()
    {
        var full = new TcStringBuilder { RangeEncodeVendors = true }.Consent(1, 2, 3).Vendors(1, 2, 3, 755).Build();

        for (var length = 0; length <= full.Length; length++)
        {
            var result = TcfStringDecoder.Decode(full[..length]);
            Assert.True(result.IsSuccess || result.Error!.StartsWith("TC string: ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_range_entry_above_MaxVendorId_is_rejected()
    {
        var bits = new System.Text.StringBuilder();
        TcStringBuilder.Int(bits, 2, 6);
        TcStringBuilder.Int(bits, 0, 36 + 36 + 12 + 12 + 6 + 12 + 12 + 6 + 1 + 1 + 12 + 24 + 24 + 1 + 12);
        TcStringBuilder.Int(bits, 10, 16); // MaxVendorId 10
        bits.Append('1');
        TcStringBuilder.Int(bits, 1, 12);
        bits.Append('0');
        TcStringBuilder.Int(bits, 11, 16); // vendor 11 > 10

        var result = TcfStringDecoder.Decode(TcStringBuilder.ToBase64Url(bits.ToString()));

        Assert.Contains("above MaxVendorId", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_vendor_and_purpose_sets_round_trip_in_both_encodings()
    {
        Gen.Select(Gen.Int[1, 3000].HashSet[0, 40], Gen.Int[1, 24].HashSet[0, 24], Gen.Bool)
            .Sample((vendors, purposes, range) =>
            {
                var builder = new TcStringBuilder { RangeEncodeVendors = range }.Vendors([.. vendors]).Consent([.. purposes]);
                var tcf = TcfStringDecoder.Decode(builder.Build()).Value!;
                return Enumerable.Range(1, 3000).All(id => tcf.VendorConsents.Contains(id) == vendors.Contains(id))
                    && Enumerable.Range(1, 24).All(p => tcf.HasPurposeConsent(p) == purposes.Contains(p));
            }, iter: 200);
    }

    [Fact]
    public void Random_text_never_throws()
    {
        Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=!"], 0, 400]
            .Sample(text => { TcfStringDecoder.Decode("C" + text); }, iter: 3_000);
    }
}
