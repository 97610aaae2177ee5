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
        var parsed = TrySplit(decisionId, out var page, out index);
        pageId = parsed ? page.ToString() : "";
        return parsed;
    }

    /// <summary>
    /// The index of a decision of page <paramref name="pageId"/>; false for anything else. Unlike
    /// <see cref="TryParse"/> it copies nothing out of the id (a page written checks each of its decisions).
    /// </summary>
    public static bool TryGetIndexIn(string pageId, string? decisionId, out int index)
    {
        if (TrySplit(decisionId, out var page, out index) && page.SequenceEqual(pageId))
        {
            return true;
        }

        index = -1;
        return false;
    }

    private static bool TrySplit(string? decisionId, out ReadOnlySpan<char> pageId, out int index)
    {
        pageId = default;
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

        pageId = page;
        return true;
    }

    /// <summary>
    /// When the decision's page was opened, by the clock of the instance that opened it: the timestamp
    /// of its version-7 page id. False for anything that is not a decision id or has another version.
    /// </summary>
    public static bool TryGetPageOpenedAt(string? decisionId, out DateTimeOffset openedAt)
    {
        openedAt = default;
        if (!TryParse(decisionId, out _, out _) || decisionId![12] != '7')
        {
            return false;
        }

        // The first 48 bits of a version-7 GUID are Unix time in milliseconds.
        var milliseconds = long.Parse(decisionId.AsSpan(0, 12), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        openedAt = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }
}
