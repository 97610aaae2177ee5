namespace Dco.Core.Serving.Privacy;

/// <summary>An opt-out field of a GPP US section: 0 not applicable, 1 opted out, 2 did not opt out.</summary>
public enum OptOutState
{
    NotApplicable = 0,
    OptedOut = 1,
    DidNotOptOut = 2,
}

/// <summary>The opt-outs we act on from a GPP US national or state section (fields a state does not define are NotApplicable).</summary>
public sealed record UsOptOuts(int Version, OptOutState SaleOptOut, OptOutState SharingOptOut, OptOutState TargetedAdvertisingOptOut)
{
    public bool AnyOptedOut =>
        SaleOptOut == OptOutState.OptedOut || SharingOptOut == OptOutState.OptedOut || TargetedAdvertisingOptOut == OptOutState.OptedOut;
}

/// <summary>
/// One section of a GPP string. Exactly one of <see cref="Tcf"/>, <see cref="UsPrivacy"/>,
/// <see cref="UsOptOuts"/> is set when <see cref="IsDecoded"/>; other sections are kept raw.
/// </summary>
public sealed record GppSection(int Id, string Name, string Raw, TcfConsentString? Tcf, UsPrivacyString? UsPrivacy, UsOptOuts? UsOptOuts)
{
    public bool IsDecoded => Tcf is not null || UsPrivacy is not null || UsOptOuts is not null;
}

/// <summary>A decoded IAB Global Privacy Platform string: header (type 3, version 1, section ids) and its sections.</summary>
public sealed record GppString(IReadOnlyList<int> SectionIds, IReadOnlyList<GppSection> Sections)
{
    /// <summary>Longest GPP string accepted.</summary>
    public const int MaximumLength = 32_768;

    public const int TcfEuV2 = 2;
    public const int UspV1 = 6;
    public const int UsNat = 7;
    public const int UsCa = 8;
    public const int UsVa = 9;
    public const int UsCo = 10;
    public const int UsUt = 11;
    public const int UsCt = 12;

    public GppSection? Section(int id)
    {
        foreach (var section in Sections)
        {
            if (section.Id == id)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>The section's API prefix from the GPP section list ("tcfeuv2", "usnat", …), or "section N".</summary>
    public static string SectionName(int id) => id switch
    {
        1 => "tcfeuv1",
        2 => "tcfeuv2",
        3 => "gpp header",
        4 => "gpp signal integrity",
        5 => "tcfcav1",
        6 => "uspv1",
        7 => "usnat",
        8 => "usca",
        9 => "usva",
        10 => "usco",
        11 => "usut",
        12 => "usct",
        13 => "usfl",
        14 => "usmt",
        15 => "usor",
        16 => "ustx",
        17 => "usde",
        18 => "usia",
        19 => "usne",
        20 => "usnh",
        21 => "usnj",
        22 => "ustn",
        23 => "usmn",
        _ => $"section {id}",
    };

    public static DecodeResult<GppString> Decode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Fail("the value is empty");
        }

        if (value.Length > MaximumLength)
        {
            return Fail($"the value is longer than {MaximumLength} characters");
        }

        var parts = value.Trim().Split('~');
        if (!Base64UrlBitReader.TryCreate(parts[0], out var header))
        {
            return Fail("the header is not base64url");
        }

        if (!header.TryRead(6, out var type) || type != 3)
        {
            return Fail($"header Type must be 3 (got {type})");
        }

        if (!header.TryRead(6, out var version) || version != 1)
        {
            return Fail($"header Version must be 1 (got {version})");
        }

        if (!header.TryRead(12, out var entries))
        {
            return Fail("header SectionIds are missing");
        }

        var ids = new List<int>();
        var last = 0;
        for (var i = 0; i < entries; i++)
        {
            if (!header.TryReadBool(out var isRange) || !header.TryReadFibonacci(out var offset))
            {
                return Fail($"header SectionIds entry {i} is truncated");
            }

            var first = last + offset;
            last = first;
            if (isRange)
            {
                if (!header.TryReadFibonacci(out var length))
                {
                    return Fail($"header SectionIds entry {i} is truncated");
                }

                last = first + length;
            }

            if (last > 1000)
            {
                return Fail($"header SectionIds entry {i} names section {last}, beyond any defined section");
            }

            for (var id = first; id <= last; id++)
            {
                ids.Add(id);
            }
        }

        if (ids.Count != parts.Length - 1)
        {
            return Fail($"the header lists {ids.Count} section(s) but {parts.Length - 1} follow it");
        }

        var sections = new List<GppSection>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            var raw = parts[i + 1];
            var name = SectionName(id);
            switch (id)
            {
                case TcfEuV2:
                    var tcf = TcfStringDecoder.Decode(raw);
                    if (!tcf.IsSuccess) return Fail($"section {name}: {tcf.Error}");
                    sections.Add(new GppSection(id, name, raw, tcf.Value, null, null));
                    break;
                case UspV1:
                    var usp = UsPrivacyString.Decode(raw);
                    if (!usp.IsSuccess) return Fail($"section {name}: {usp.Error}");
                    sections.Add(new GppSection(id, name, raw, null, usp.Value, null));
                    break;
                case >= UsNat and <= UsCt:
                    var optOuts = DecodeUsSection(id, raw);
                    if (!optOuts.IsSuccess) return Fail($"section {name}: {optOuts.Error}");
                    sections.Add(new GppSection(id, name, raw, null, null, optOuts.Value));
                    break;
                default:
                    sections.Add(new GppSection(id, name, raw, null, null, null));
                    break;
            }
        }

        return new(new GppString(ids, sections), null);
    }

    /// <summary>Bit offsets of SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut in each section's core segment (-1: not defined there).</summary>
    private static (int Sale, int Sharing, int Targeted) Offsets(int id) => id switch
    {
        UsNat => (18, 20, 22), // Version, 6 notices, then SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut
        UsCa => (12, 14, -1),  // Version, 3 notices, SaleOptOut, SharingOptOut (CPRA: sharing covers cross-context ads)
        UsUt => (14, -1, 16),  // Version, 4 notices, SaleOptOut, TargetedAdvertisingOptOut
        _ => (12, -1, 14),     // usva, usco, usct: Version, 3 notices, SaleOptOut, TargetedAdvertisingOptOut
    };

    private static DecodeResult<UsOptOuts> DecodeUsSection(int id, string raw)
    {
        var dot = raw.IndexOf('.', StringComparison.Ordinal);
        var core = dot < 0 ? raw.AsSpan() : raw.AsSpan(0, dot);
        if (!Base64UrlBitReader.TryCreate(core, out var reader))
        {
            return new(null, "the core segment is not base64url");
        }

        if (!reader.TryRead(6, out var version) || version == 0)
        {
            return new(null, "Version is missing or 0");
        }

        var (sale, sharing, targeted) = Offsets(id);
        var end = Math.Max(sale, Math.Max(sharing, targeted)) + 2;
        if (reader.Length < end)
        {
            return new(null, $"the core segment has {reader.Length} bits; the opt-out fields end at bit {end}");
        }

        var saleState = ReadState(core, sale, out var saleOk);
        var sharingState = ReadState(core, sharing, out var sharingOk);
        var targetedState = ReadState(core, targeted, out var targetedOk);
        if (!saleOk || !sharingOk || !targetedOk)
        {
            return new(null, "an opt-out field holds 3, which is undefined");
        }

        return new(new UsOptOuts((int)version, saleState, sharingState, targetedState), null);
    }

    private static OptOutState ReadState(ReadOnlySpan<char> core, int offset, out bool ok)
    {
        ok = true;
        if (offset < 0)
        {
            return OptOutState.NotApplicable;
        }

        Base64UrlBitReader.TryCreate(core, out var reader);
        reader.TryRead(offset, out _);
        reader.TryRead(2, out var value);
        ok = value <= 2;
        return (OptOutState)value;
    }

    private static DecodeResult<GppString> Fail(string reason) => new(null, "GPP string: " + reason);
}
