namespace Dco.Core.Serving.Privacy;

/// <summary>A set of vendor ids (1-based) decoded from a TCF bit field or range section.</summary>
public sealed class VendorSet
{
    private readonly ulong[] bits;

    internal VendorSet(int maxVendorId)
    {
        MaxVendorId = maxVendorId;
        bits = new ulong[(maxVendorId / 64) + 1];
    }

    /// <summary>The highest vendor id the section could name.</summary>
    public int MaxVendorId { get; }

    public bool Contains(int vendorId) =>
        vendorId >= 1 && vendorId <= MaxVendorId && (bits[vendorId / 64] & (1UL << (vendorId % 64))) != 0;

    internal void Add(int vendorId) => bits[vendorId / 64] |= 1UL << (vendorId % 64);
}

/// <summary>How a publisher restricts a purpose for the listed vendors (TCF restriction type).</summary>
public enum PublisherRestrictionType
{
    /// <summary>The purpose is flatly not allowed for these vendors.</summary>
    NotAllowed = 0,
    RequireConsent = 1,
    RequireLegitimateInterest = 2,
}

public sealed record PublisherRestriction(int PurposeId, PublisherRestrictionType Type, VendorSet Vendors);

/// <summary>
/// The core segment of an IAB TCF v2 TC string, field by field as the specification defines it.
/// Bit masks are normalised so that bit (n − 1) stands for purpose or special feature n.
/// </summary>
public sealed record TcfConsentString(
    int Version,
    DateTimeOffset Created,
    DateTimeOffset LastUpdated,
    int CmpId,
    int CmpVersion,
    int ConsentScreen,
    string ConsentLanguage,
    int VendorListVersion,
    int TcfPolicyVersion,
    bool IsServiceSpecific,
    bool UseNonStandardTexts,
    int SpecialFeatureOptIns,
    int PurposesConsent,
    int PurposesLegitimateInterestTransparency,
    bool PurposeOneTreatment,
    string PublisherCountryCode,
    VendorSet VendorConsents,
    VendorSet VendorLegitimateInterests,
    IReadOnlyList<PublisherRestriction> PublisherRestrictions)
{
    public bool HasPurposeConsent(int purpose) => purpose is >= 1 and <= 24 && (PurposesConsent & (1 << (purpose - 1))) != 0;

    public bool HasPurposeLegitimateInterest(int purpose) =>
        purpose is >= 1 and <= 24 && (PurposesLegitimateInterestTransparency & (1 << (purpose - 1))) != 0;

    public bool HasSpecialFeatureOptIn(int feature) => feature is >= 1 and <= 12 && (SpecialFeatureOptIns & (1 << (feature - 1))) != 0;

    /// <summary>The publisher's restriction on <paramref name="purpose"/> for <paramref name="vendorId"/>, if any.</summary>
    public PublisherRestrictionType? RestrictionFor(int purpose, int vendorId)
    {
        foreach (var restriction in PublisherRestrictions)
        {
            if (restriction.PurposeId == purpose && restriction.Vendors.Contains(vendorId))
            {
                return restriction.Type;
            }
        }

        return null;
    }
}

/// <summary>A decoded value, or the reason decoding failed naming the field that failed.</summary>
public readonly record struct DecodeResult<T>(T? Value, string? Error)
    where T : class
{
    public bool IsSuccess => Error is null && Value is not null;
}

/// <summary>Decodes the core segment of a TCF v2 TC string (other segments, after '.', are skipped).</summary>
public static class TcfStringDecoder
{
    /// <summary>Longest TC string accepted (range-encoded strings from big CMPs run to a few KB).</summary>
    public const int MaximumLength = 16_384;

    public static DecodeResult<TcfConsentString> Decode(string? tcString)
    {
        if (string.IsNullOrWhiteSpace(tcString))
        {
            return Fail("the TC string is empty");
        }

        if (tcString.Length > MaximumLength)
        {
            return Fail($"the TC string is longer than {MaximumLength} characters");
        }

        var span = tcString.AsSpan().Trim();
        var dot = span.IndexOf('.');
        var core = dot < 0 ? span : span[..dot];
        if (!Base64UrlBitReader.TryCreate(core, out var reader))
        {
            return Fail("the core segment is not base64url");
        }

        if (!reader.TryRead(6, out var version))
        {
            return Fail("Version is missing");
        }

        if (version != 2)
        {
            return Fail($"Version is {version}; only TCF v2 strings are supported");
        }

        if (!reader.TryRead(36, out var created)) return Missing("Created", reader);
        if (!reader.TryRead(36, out var updated)) return Missing("LastUpdated", reader);
        if (!reader.TryRead(12, out var cmpId)) return Missing("CmpId", reader);
        if (!reader.TryRead(12, out var cmpVersion)) return Missing("CmpVersion", reader);
        if (!reader.TryRead(6, out var screen)) return Missing("ConsentScreen", reader);
        if (!TryReadLetters(ref reader, out var language)) return Missing("ConsentLanguage", reader);
        if (!reader.TryRead(12, out var vendorListVersion)) return Missing("VendorListVersion", reader);
        if (!reader.TryRead(6, out var policyVersion)) return Missing("TcfPolicyVersion", reader);
        if (!reader.TryReadBool(out var serviceSpecific)) return Missing("IsServiceSpecific", reader);
        if (!reader.TryReadBool(out var nonStandard)) return Missing("UseNonStandardTexts", reader);
        if (!TryReadFlags(ref reader, 12, out var specialFeatures)) return Missing("SpecialFeatureOptIns", reader);
        if (!TryReadFlags(ref reader, 24, out var purposes)) return Missing("PurposesConsent", reader);
        if (!TryReadFlags(ref reader, 24, out var purposesLi)) return Missing("PurposesLITransparency", reader);
        if (!reader.TryReadBool(out var purposeOne)) return Missing("PurposeOneTreatment", reader);
        if (!TryReadLetters(ref reader, out var publisherCc)) return Missing("PublisherCC", reader);

        var consents = ReadVendorSection(ref reader, "vendor consent section");
        if (consents.Error is not null) return Fail(consents.Error);
        var interests = ReadVendorSection(ref reader, "vendor legitimate interest section");
        if (interests.Error is not null) return Fail(interests.Error);

        var restrictions = new List<PublisherRestriction>();
        if (!reader.TryRead(12, out var restrictionCount)) return Missing("NumPubRestrictions", reader);
        for (var i = 0; i < restrictionCount; i++)
        {
            if (!reader.TryRead(6, out var purposeId) || !reader.TryRead(2, out var type))
            {
                return Missing($"PubRestrictionEntry[{i}]", reader);
            }

            if (type == 3)
            {
                return Fail($"PubRestrictionEntry[{i}].RestrictionType is 3, which is undefined");
            }

            var vendors = ReadRanges(ref reader, $"PubRestrictionEntry[{i}]", maxVendorId: null);
            if (vendors.Error is not null) return Fail(vendors.Error);
            restrictions.Add(new PublisherRestriction((int)purposeId, (PublisherRestrictionType)type, vendors.Value!));
        }

        return new(new TcfConsentString(
            (int)version,
            DateTimeOffset.FromUnixTimeMilliseconds(created * 100),
            DateTimeOffset.FromUnixTimeMilliseconds(updated * 100),
            (int)cmpId,
            (int)cmpVersion,
            (int)screen,
            language,
            (int)vendorListVersion,
            (int)policyVersion,
            serviceSpecific,
            nonStandard,
            specialFeatures,
            purposes,
            purposesLi,
            purposeOne,
            publisherCc,
            consents.Value!,
            interests.Value!,
            restrictions), null);
    }

    private static DecodeResult<VendorSet> ReadVendorSection(ref Base64UrlBitReader reader, string section)
    {
        if (!reader.TryRead(16, out var maxVendorId) || !reader.TryReadBool(out var isRange))
        {
            return new(null, $"TC string: the {section} header (MaxVendorId, IsRangeEncoding) runs past the end of the core segment");
        }

        if (isRange)
        {
            return ReadRanges(ref reader, section, (int)maxVendorId);
        }

        if (reader.Remaining < maxVendorId)
        {
            return new(null, $"TC string: the {section} bit field needs {maxVendorId} bits but only {reader.Remaining} remain");
        }

        var set = new VendorSet((int)maxVendorId);
        for (var id = 1; id <= maxVendorId; id++)
        {
            reader.TryReadBool(out var allowed);
            if (allowed)
            {
                set.Add(id);
            }
        }

        return new(set, null);
    }

    private static DecodeResult<VendorSet> ReadRanges(ref Base64UrlBitReader reader, string section, int? maxVendorId)
    {
        if (!reader.TryRead(12, out var entries))
        {
            return new(null, $"TC string: NumEntries of the {section} runs past the end of the core segment");
        }

        // Entries are read twice: first to learn the highest id (restrictions carry no MaxVendorId), then to fill.
        var start = reader;
        var highest = 0L;
        for (var i = 0; i < entries; i++)
        {
            if (!reader.TryReadBool(out var isRange) || !reader.TryRead(16, out var first))
            {
                return new(null, $"TC string: entry {i} of the {section} runs past the end of the core segment");
            }

            var last = first;
            if (isRange && !reader.TryRead(16, out last))
            {
                return new(null, $"TC string: entry {i} of the {section} runs past the end of the core segment");
            }

            if (first < 1 || last < first)
            {
                return new(null, $"TC string: entry {i} of the {section} is the invalid range {first}-{last}");
            }

            if (maxVendorId is { } max && last > max)
            {
                return new(null, $"TC string: entry {i} of the {section} names vendor {last}, above MaxVendorId {max}");
            }

            highest = Math.Max(highest, last);
        }

        var set = new VendorSet(maxVendorId ?? (int)highest);
        reader = start;
        for (var i = 0; i < entries; i++)
        {
            reader.TryReadBool(out var isRange);
            reader.TryRead(16, out var first);
            var last = first;
            if (isRange)
            {
                reader.TryRead(16, out last);
            }

            for (var id = first; id <= last; id++)
            {
                set.Add((int)id);
            }
        }

        return new(set, null);
    }

    private static bool TryReadFlags(ref Base64UrlBitReader reader, int count, out int flags)
    {
        flags = 0;
        if (!reader.TryRead(count, out var raw))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if ((raw & (1L << (count - 1 - i))) != 0)
            {
                flags |= 1 << i;
            }
        }

        return true;
    }

    private static bool TryReadLetters(ref Base64UrlBitReader reader, out string letters)
    {
        letters = string.Empty;
        if (!reader.TryRead(6, out var first) || !reader.TryRead(6, out var second) || first > 25 || second > 25)
        {
            return false;
        }

        letters = string.Create(2, (first, second), static (span, pair) =>
        {
            span[0] = (char)('A' + pair.first);
            span[1] = (char)('A' + pair.second);
        });
        return true;
    }

    private static DecodeResult<TcfConsentString> Missing(string field, Base64UrlBitReader reader) =>
        Fail($"{field} is missing or invalid at bit {reader.Position} of {reader.Length}");

    private static DecodeResult<TcfConsentString> Fail(string reason) =>
        new(null, reason.StartsWith("TC string", StringComparison.Ordinal) ? reason : "TC string: " + reason);
}
