namespace Dco.Core.Serving.Privacy;

/// <summary>
/// An IAB US Privacy (CCPA) string such as <c>1YNN</c>: version, notice given, opted out of sale,
/// LSPA covered; each flag is 'Y', 'N' or '-' (not applicable).
/// </summary>
public sealed record UsPrivacyString(char Notice, char OptOutOfSale, char LspaCovered)
{
    /// <summary>True when the viewer opted out of the sale of personal information.</summary>
    public bool HasOptedOutOfSale => OptOutOfSale == 'Y';

    /// <summary>True for <c>1---</c>: the string says CCPA does not apply.</summary>
    public bool NotApplicable => Notice == '-' && OptOutOfSale == '-' && LspaCovered == '-';

    public static DecodeResult<UsPrivacyString> Decode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new(null, "US Privacy string: the value is empty");
        }

        if (value.Length != 4)
        {
            return new(null, $"US Privacy string: expected 4 characters (e.g. '1YNN'), got {value.Length}");
        }

        if (value[0] != '1')
        {
            return new(null, $"US Privacy string: version '{value[0]}' is not supported (only '1')");
        }

        for (var i = 1; i < 4; i++)
        {
            var c = char.ToUpperInvariant(value[i]);
            if (c is not ('Y' or 'N' or '-'))
            {
                return new(null, $"US Privacy string: character {i + 1} is '{value[i]}'; expected 'Y', 'N' or '-'");
            }
        }

        return new(new UsPrivacyString(char.ToUpperInvariant(value[1]), char.ToUpperInvariant(value[2]), char.ToUpperInvariant(value[3])), null);
    }
}
