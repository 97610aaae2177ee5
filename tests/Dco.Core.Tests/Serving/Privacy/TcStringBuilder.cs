using System.Text;

namespace Dco.Core.Tests.Serving.Privacy;

/// <summary>A small TCF v2 core-segment encoder for hand-written test vectors (field order from the TCF spec).</summary>
internal sealed class TcStringBuilder
{
    public int Version { get; set; } = 2;
    public long CreatedDeciseconds { get; set; } = 17_670_000_000L;
    public long LastUpdatedDeciseconds { get; set; } = 17_670_000_000L;
    public int CmpId { get; set; } = 300;
    public int CmpVersion { get; set; } = 2;
    public int ConsentScreen { get; set; } = 1;
    public string ConsentLanguage { get; set; } = "EN";
    public int VendorListVersion { get; set; } = 140;
    public int PolicyVersion { get; set; } = 5;
    public bool IsServiceSpecific { get; set; } = true;
    public bool UseNonStandardTexts { get; set; }
    public HashSet<int> SpecialFeatures { get; } = [];
    public HashSet<int> PurposeConsents { get; } = [];
    public HashSet<int> PurposeLegitimateInterests { get; } = [];
    public bool PurposeOneTreatment { get; set; }
    public string PublisherCountryCode { get; set; } = "DE";
    public SortedSet<int> VendorConsents { get; } = [];
    public SortedSet<int> VendorLegitimateInterests { get; } = [];
    public bool RangeEncodeVendors { get; set; }
    public List<(int Purpose, int Type, int[] Vendors)> Restrictions { get; } = [];

    public TcStringBuilder Consent(params int[] purposes)
    {
        PurposeConsents.UnionWith(purposes);
        return this;
    }

    public TcStringBuilder LegitimateInterest(params int[] purposes)
    {
        PurposeLegitimateInterests.UnionWith(purposes);
        return this;
    }

    public TcStringBuilder Vendors(params int[] ids)
    {
        VendorConsents.UnionWith(ids);
        return this;
    }

    public TcStringBuilder VendorsLi(params int[] ids)
    {
        VendorLegitimateInterests.UnionWith(ids);
        return this;
    }

    public string Build()
    {
        var bits = new StringBuilder();
        Int(bits, Version, 6);
        Int(bits, CreatedDeciseconds, 36);
        Int(bits, LastUpdatedDeciseconds, 36);
        Int(bits, CmpId, 12);
        Int(bits, CmpVersion, 12);
        Int(bits, ConsentScreen, 6);
        Letters(bits, ConsentLanguage);
        Int(bits, VendorListVersion, 12);
        Int(bits, PolicyVersion, 6);
        Bool(bits, IsServiceSpecific);
        Bool(bits, UseNonStandardTexts);
        Flags(bits, SpecialFeatures, 12);
        Flags(bits, PurposeConsents, 24);
        Flags(bits, PurposeLegitimateInterests, 24);
        Bool(bits, PurposeOneTreatment);
        Letters(bits, PublisherCountryCode);
        VendorSection(bits, VendorConsents);
        VendorSection(bits, VendorLegitimateInterests);
        Int(bits, Restrictions.Count, 12);
        foreach (var (purpose, type, vendors) in Restrictions)
        {
            Int(bits, purpose, 6);
            Int(bits, type, 2);
            Ranges(bits, vendors);
        }

        return ToBase64Url(bits.ToString());
    }

    /// <summary>Encodes a string of '0'/'1' as base64url, zero-padded to a whole character.</summary>
    public static string ToBase64Url(string bits)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        while (bits.Length % 6 != 0)
        {
            bits += "0";
        }

        var text = new StringBuilder();
        for (var i = 0; i < bits.Length; i += 6)
        {
            text.Append(alphabet[Convert.ToInt32(bits.Substring(i, 6), 2)]);
        }

        return text.ToString();
    }

    public static void Int(StringBuilder bits, long value, int width) =>
        bits.Append(Convert.ToString(value, 2).PadLeft(width, '0'));

    private static void Bool(StringBuilder bits, bool value) => bits.Append(value ? '1' : '0');

    private static void Letters(StringBuilder bits, string letters)
    {
        Int(bits, letters[0] - 'A', 6);
        Int(bits, letters[1] - 'A', 6);
    }

    private static void Flags(StringBuilder bits, HashSet<int> set, int width)
    {
        for (var i = 1; i <= width; i++)
        {
            Bool(bits, set.Contains(i));
        }
    }

    private void VendorSection(StringBuilder bits, SortedSet<int> vendors)
    {
        var max = vendors.Count == 0 ? 0 : vendors.Max;
        Int(bits, max, 16);
        Bool(bits, RangeEncodeVendors);
        if (RangeEncodeVendors)
        {
            Ranges(bits, [.. vendors]);
        }
        else
        {
            for (var id = 1; id <= max; id++)
            {
                Bool(bits, vendors.Contains(id));
            }
        }
    }

    private static void Ranges(StringBuilder bits, int[] vendors)
    {
        var sorted = vendors.Order().ToArray();
        var ranges = new List<(int First, int Last)>();
        foreach (var id in sorted)
        {
            if (ranges.Count > 0 && ranges[^1].Last + 1 == id)
            {
                ranges[^1] = (ranges[^1].First, id);
            }
            else
            {
                ranges.Add((id, id));
            }
        }

        Int(bits, ranges.Count, 12);
        foreach (var (first, last) in ranges)
        {
            Bool(bits, first != last);
            Int(bits, first, 16);
            if (first != last)
            {
                Int(bits, last, 16);
            }
        }
    }
}
