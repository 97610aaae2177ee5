using System.Buffers;
using System.Globalization;

namespace Dco.Infrastructure.Serving.Decisions;

/// <summary>
/// A decision id is <c>{page id}-{index}</c>: the page of the <c>decisions</c> container that holds it
/// and its position there, so that a tracking event or conversion finds its decision with one point read.
/// </summary>
public static class DecisionIds
{
    /// <summary>Page ids are version-7 GUIDs without dashes.</summary>
    public const int PageIdLength = 32;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Format(string pageId, int index) => string.Create(
        CultureInfo.InvariantCulture,
        $"{pageId}-{index}");

    /// <summary>Splits a decision id into page id and index; false for anything that is not one.</summary>
    public static bool TryParse(string? decisionId, out string pageId, out int index)
    {
        pageId = "";
        index = -1;
        if (decisionId is null || decisionId.Length < PageIdLength + 2 || decisionId[PageIdLength] != '-')
        {
            return false;
        }

        var page = decisionId.AsSpan(0, PageIdLength);
        var suffix = decisionId.AsSpan(PageIdLength + 1);
        if (page.ContainsAnyExcept(LowerHex)
            || (suffix.Length > 1 && suffix[0] == '0') // one spelling per index: no leading zeros
            || !int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out index)
            || index >= DecisionLogWriter.PageCapacity)
        {
            index = -1;
            return false;
        }

        pageId = page.ToString();
        return true;
    }
}
