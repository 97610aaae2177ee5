using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dco.Core.Decisioning;

/// <summary>
/// Impression times of one key as UTC ticks in time order, at most <see cref="ImpressionTimes.MaxKept"/>,
/// the latest; two held in the struct itself, more in an array. The storage and algorithms behind
/// <see cref="ImpressionTimes"/> (one list) and <see cref="KeyedImpressions"/> (a row per key, in one
/// array): a mutable struct, only ever used in place (a field, or <c>ref</c> to an array element).
/// </summary>
internal struct TickList
{
    // Up to two times are held inline: most of a viewer's keys (a combination, an asset served once or
    // twice today) never need an array.
    private const int InlineCapacity = 2;

    private InlineTicks inline;
    private long[]? spilled; // the times once more than InlineCapacity were held; null before
    private int count;

    public TickList(int capacity)
    {
        if (capacity > InlineCapacity)
        {
            spilled = new long[Math.Min(capacity, ImpressionTimes.MaxKept)];
        }
    }

    public readonly int Count => count;

    /// <summary>Where the times are: the inline pair, or the array they spilled into.</summary>
    [UnscopedRef]
    private Span<long> Ticks => spilled is { } array ? array : inline;

    [UnscopedRef]
    public ReadOnlySpan<long> Held => Ticks[..count];

    /// <summary>How many impressions are later than <paramref name="afterTicks"/> (UTC ticks).</summary>
    /// <remarks>
    /// A binary search for the first one later (the times are in order): a cap's window usually holds every
    /// impression kept, and a decide counts every capped key of its viewer, so a walk from the latest would read
    /// them all.
    /// </remarks>
    public int CountAfter(long afterTicks)
    {
        var ticks = Held;
        int low = 0, high = ticks.Length;
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (ticks[middle] > afterTicks)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return ticks.Length - low;
    }

    /// <summary>
    /// Adds an impression at <paramref name="atTicks"/> in time order, after dropping those before
    /// <paramref name="horizonTicks"/> and, when full, the oldest.
    /// </summary>
    public void Add(long atTicks, long horizonTicks)
    {
        DropBefore(horizonTicks);
        if (atTicks < horizonTicks)
        {
            return;
        }

        var ticks = Ticks;
        if (count == ImpressionTimes.MaxKept)
        {
            if (atTicks < ticks[0])
            {
                return; // older than every one kept
            }

            ticks[1..count].CopyTo(ticks);
            count--;
        }
        else if (count == ticks.Length)
        {
            var grown = new long[Math.Min(ImpressionTimes.MaxKept, ticks.Length * 2)];
            ticks[..count].CopyTo(grown);
            spilled = grown;
            ticks = grown;
        }

        var at = count;
        while (at > 0 && ticks[at - 1] > atTicks)
        {
            at--;
        }

        ticks[at..count].CopyTo(ticks[(at + 1)..]);
        ticks[at] = atTicks;
        count++;
    }

    /// <summary>Replaces the content with <paramref name="times"/> (UTC ticks, any order) not before the horizon, the latest <see cref="ImpressionTimes.MaxKept"/>.</summary>
    public void ReplaceWith(List<long> times, long horizonTicks)
    {
        ArgumentNullException.ThrowIfNull(times);
        times.RemoveAll(t => t < horizonTicks);
        times.Sort();
        var skip = Math.Max(0, times.Count - ImpressionTimes.MaxKept);
        count = times.Count - skip;
        if (Ticks.Length < count)
        {
            spilled = new long[count];
        }

        CollectionsMarshal.AsSpan(times).Slice(skip, count).CopyTo(Ticks);
    }

    /// <summary>Drops the impressions before <paramref name="horizonTicks"/>.</summary>
    public void DropBefore(long horizonTicks)
    {
        var ticks = Ticks;
        var expired = 0;
        while (expired < count && ticks[expired] < horizonTicks)
        {
            expired++;
        }

        if (expired > 0)
        {
            ticks[expired..count].CopyTo(ticks);
            count -= expired;
        }
    }

    /// <summary>The times as Unix seconds, oldest first (the stored precision of frequency buckets).</summary>
    public long[] ToUnixSeconds()
    {
        var ticks = Held;
        var seconds = new long[ticks.Length];
        for (var i = 0; i < ticks.Length; i++)
        {
            seconds[i] = new DateTimeOffset(ticks[i], TimeSpan.Zero).ToUnixTimeSeconds();
        }

        return seconds;
    }

    /// <summary>Adds each UTC tick count of the list to <paramref name="into"/>.</summary>
    public void CopyTicksTo(List<long> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var tick in Held)
        {
            into.Add(tick);
        }
    }

    [InlineArray(InlineCapacity)]
    private struct InlineTicks
    {
        private long first;
    }
}
