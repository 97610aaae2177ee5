namespace Dco.Core.Decisioning;

/// <summary>
/// A viewer's recent impression times per key in one campaign (each asset, or each combination, it was
/// served): a row per key, the keys in one array and their times in another, rather than an object per
/// key. A cap check reads every row's count from one contiguous array and only looks further at rows
/// that could reach a cap; a served creative finds its rows by comparing key references in another
/// (docs/decisions/0014-viewer-frequency-rows.md). Rows are kept in the order they were added, and
/// dropped when they hold no time any more.
/// Not thread-safe: its owner serializes every reader and writer (ViewerStateCache holds the viewer's
/// lock across a decision's cap checks and the record of what it served).
/// </summary>
public sealed class KeyedImpressions
{
    private string[] keys = [];
    private TickList[] rows = [];
    private int count;

    public int Count => count;

    /// <summary>Rows for entries as they are, one per entry (duplicate keys stay apart), each entry's latest <see cref="ImpressionTimes.MaxKept"/> times.</summary>
    public static KeyedImpressions From(IReadOnlyList<FrequencyEntry>? entries)
    {
        var table = new KeyedImpressions();
        foreach (var entry in entries ?? [])
        {
            ArgumentNullException.ThrowIfNull(entry);
            var ticks = new List<long>(entry.Impressions.Count);
            foreach (var time in entry.Impressions)
            {
                ticks.Add(time.UtcTicks);
            }

            table.ReplaceWith(table.Append(entry.Key), ticks, long.MinValue);
        }

        return table;
    }

    /// <summary>A copy of the rows as entries, each with its own list of times.</summary>
    public FrequencyEntry[] ToEntries()
    {
        var entries = new FrequencyEntry[count];
        for (var row = 0; row < count; row++)
        {
            var times = new DateTimeOffset[rows[row].Count];
            var held = rows[row].Held;
            for (var i = 0; i < times.Length; i++)
            {
                times[i] = new DateTimeOffset(held[i], TimeSpan.Zero);
            }

            entries[row] = new FrequencyEntry(keys[row], times);
        }

        return entries;
    }

    public string KeyAt(int row) => keys[Checked(row)];

    /// <summary>How many times the row holds, whatever their age.</summary>
    public int HeldAt(int row) => rows[Checked(row)].Count;

    /// <summary>How many of the row's times are later than <paramref name="afterTicks"/> (UTC ticks).</summary>
    public int CountAfter(int row, long afterTicks) => rows[Checked(row)].CountAfter(afterTicks);

    /// <summary>The row's <paramref name="index"/>-th time, oldest first.</summary>
    public DateTimeOffset TimeAt(int row, int index)
    {
        var held = rows[Checked(row)].Held;
        return (uint)index < (uint)held.Length ? new DateTimeOffset(held[index], TimeSpan.Zero) : throw new ArgumentOutOfRangeException(nameof(index));
    }

    /// <summary>
    /// The first row of <paramref name="key"/>, found by reference (keys are pooled by their owner), and by
    /// value too when <paramref name="byValue"/>; -1 when there is none.
    /// </summary>
    public int IndexOf(string key, bool byValue)
    {
        var held = keys.AsSpan(0, count);
        for (var row = 0; row < held.Length; row++)
        {
            if (ReferenceEquals(held[row], key))
            {
                return row;
            }
        }

        if (byValue)
        {
            for (var row = 0; row < held.Length; row++)
            {
                if (string.Equals(held[row], key, StringComparison.Ordinal))
                {
                    return row;
                }
            }
        }

        return -1;
    }

    /// <summary>Adds an empty row for <paramref name="key"/> and returns it.</summary>
    public int Append(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (count == keys.Length)
        {
            var capacity = Math.Max(4, count * 2);
            Array.Resize(ref keys, capacity);
            Array.Resize(ref rows, capacity);
        }

        keys[count] = key;
        rows[count] = default;
        return count++;
    }

    /// <summary>Adds a time to the row in order, after dropping its times before <paramref name="horizonTicks"/> (<see cref="ImpressionTimes.Add"/>).</summary>
    public void Add(int row, long atTicks, long horizonTicks) => rows[Checked(row)].Add(atTicks, horizonTicks);

    /// <summary>Replaces the row's times (<see cref="ImpressionTimes.ReplaceWith"/>).</summary>
    public void ReplaceWith(int row, List<long> ticks, long horizonTicks) => rows[Checked(row)].ReplaceWith(ticks, horizonTicks);

    /// <summary>Adds each of the row's times, as UTC ticks, to <paramref name="into"/>.</summary>
    public void CopyTicksTo(int row, List<long> into) => rows[Checked(row)].CopyTicksTo(into);

    /// <summary>The row's times as Unix seconds, oldest first.</summary>
    public long[] ToUnixSeconds(int row) => rows[Checked(row)].ToUnixSeconds();

    /// <summary>Drops every row's times before <paramref name="horizonTicks"/>, then the rows left with none (the others keep their order).</summary>
    public void DropBefore(long horizonTicks)
    {
        var kept = 0;
        for (var row = 0; row < count; row++)
        {
            rows[row].DropBefore(horizonTicks);
            if (rows[row].Count == 0)
            {
                continue;
            }

            if (kept != row)
            {
                keys[kept] = keys[row];
                rows[kept] = rows[row];
            }

            kept++;
        }

        // What is past the rows kept holds no references: a dropped row's array and key go with it.
        Array.Clear(keys, kept, count - kept);
        Array.Clear(rows, kept, count - kept);
        count = kept;
    }

    private int Checked(int row) => (uint)row < (uint)count ? row : throw new ArgumentOutOfRangeException(nameof(row));
}
