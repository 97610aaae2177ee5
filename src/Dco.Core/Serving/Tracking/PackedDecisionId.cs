using System.Buffers;
using System.Globalization;

namespace Dco.Core.Serving.Tracking;

/// <summary>
/// The platform's decision ids, <c>{page id: 32 lowercase hex characters}-{index 0..127}</c>, packed into 17 bytes
/// for payload v3: the page id's 16 bytes, then the index. The shape is Infrastructure's <c>DecisionIds</c>, checked
/// here because Core does not reference Infrastructure; an id of any other shape is carried as text, so if the two
/// ever drift apart, tokens get longer, never wrong.
/// </summary>
internal static class PackedDecisionId
{
    /// <summary>Bytes of a packed id: the page id, then the index.</summary>
    public const int Length = PageIdBytes + 1;

    /// <summary>Largest index packed: a page holds 128 decisions.</summary>
    public const int MaximumIndex = 127;

    private const int PageIdChars = 32;
    private const int PageIdBytes = PageIdChars / 2;
    private const int MaximumChars = PageIdChars + 1 + 3;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>Packs <paramref name="id"/> into the first <see cref="Length"/> bytes of <paramref name="destination"/>; false (nothing written) for an id of another shape.</summary>
    public static bool TryPack(ReadOnlySpan<char> id, Span<byte> destination)
    {
        if (id.Length is < PageIdChars + 2 or > MaximumChars || id[PageIdChars] != '-')
        {
            return false;
        }

        var page = id[..PageIdChars];
        if (page.ContainsAnyExcept(LowerHex) || !TryParseIndex(id[(PageIdChars + 1)..], out var index))
        {
            return false;
        }

        Convert.FromHexString(page, destination[..PageIdBytes], out _, out _);
        destination[PageIdBytes] = index;
        return true;
    }

    /// <summary>Whether UTF-8 <paramref name="id"/> has the shape <see cref="TryPack"/> packs.</summary>
    public static bool IsPackable(ReadOnlySpan<byte> id)
    {
        if (id.Length is < PageIdChars + 2 or > MaximumChars)
        {
            return false;
        }

        // Widening each byte is exact for ASCII; a byte of a multi-byte character widens to no hex digit, dash or digit.
        Span<char> text = stackalloc char[MaximumChars];
        for (var i = 0; i < id.Length; i++)
        {
            text[i] = (char)id[i];
        }

        Span<byte> scratch = stackalloc byte[Length];
        return TryPack(text[..id.Length], scratch);
    }

    /// <summary>Whether <paramref name="packed"/> is a packing <see cref="TryPack"/> could have written.</summary>
    public static bool IsValid(ReadOnlySpan<byte> packed) => packed.Length == Length && packed[PageIdBytes] <= MaximumIndex;

    /// <summary>The id <paramref name="packed"/> was packed from: lowercase hex, the index without leading zeros.</summary>
    public static string Unpack(ReadOnlySpan<byte> packed)
    {
        Span<char> text = stackalloc char[MaximumChars];
        Convert.TryToHexStringLower(packed[..PageIdBytes], text, out _);
        text[PageIdChars] = '-';
        packed[PageIdBytes].TryFormat(text[(PageIdChars + 1)..], out var digits, provider: CultureInfo.InvariantCulture);
        return new string(text[..(PageIdChars + 1 + digits)]);
    }

    // One spelling per index, as DecisionIds.TryParse: digits only, no sign, no leading zeros.
    private static bool TryParseIndex(ReadOnlySpan<char> text, out byte index)
    {
        index = 0;
        if (text.IsEmpty || text.Length > 3 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        var value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        if (value > MaximumIndex)
        {
            return false;
        }

        index = (byte)value;
        return true;
    }
}
