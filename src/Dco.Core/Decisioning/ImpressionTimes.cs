using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dco.Core.Decisioning;

/// <summary>
/// A viewer's recent impression times for one key (the campaign, an asset, a combination), in time
/// order, at most <see cref="MaxKept"/> of them, the latest. Appended in place, so counting a served
/// creative allocates nothing once the list has grown to its size and creates no reference from
/// long-lived viewer state to new objects (docs/decisions/0013-viewer-state-in-place.md).
/// Not thread-safe: its owner serializes every reader and writer (ViewerStateCache holds the
/// viewer's lock across a decision's cap checks and the record of what it served).
/// </summary>
public sealed class ImpressionTimes : FrequencyEntry, IReadOnlyList<DateTimeOffset>
{
    /// <summary>The most impressions kept per key: more than any frequency cap counts.</summary>
    public const int MaxKept = 64;

    // Up to two times are held in the object itself: most of a viewer's keys (a combination, an asset
    // served once or twice today) never need an array, so each costs the GC one object to mark, not two.
    private const int InlineCapacity = 2;

    private InlineTicks inline;
    private long[]? spilled; // the times once more than InlineCapacity were held; null before
    private int count;

    /// <summary>A list of no key in particular (a viewer's impressions of a whole campaign).</summary>
    public ImpressionTimes(int capacity = 1)
        : this("", capacity)
    {
    }

    /// <summary>The list of one key, itself the key's <see cref="FrequencyEntry"/>.</summary>
    public ImpressionTimes(string key, int capacity = 1)
        : base(key)
    {
        if (capacity > InlineCapacity)
        {
            spilled = new long[Math.Min(capacity, MaxKept)];
        }
    }

    public int Count => count;

    public DateTimeOffset this[int index] =>
        (uint)index < (uint)count ? new DateTimeOffset(Ticks[index], TimeSpan.Zero) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Where the times are: the inline pair, or the array they spilled into.</summary>
    private Span<long> Ticks => spilled is { } array ? array : inline;

    /// <summary>How many impressions are later than <paramref name="afterTicks"/> (UTC ticks).</summary>
    /// <remarks>
    /// A binary search for the first one later (the times are in order): a cap's window usually holds every
    /// impression kept, and a decide counts every capped key of its viewer, so a walk from the latest would read
    /// them all.
    /// </remarks>
    public int CountAfter(long afterTicks)
    {
        var ticks = Ticks[..count];
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
        if (count == MaxKept)
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
            var grown = new long[Math.Min(MaxKept, ticks.Length * 2)];
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

    /// <summary>Replaces the content with <paramref name="times"/> (UTC ticks, any order) not before the horizon, the latest <see cref="MaxKept"/>.</summary>
    public void ReplaceWith(List<long> times, long horizonTicks)
    {
        ArgumentNullException.ThrowIfNull(times);
        times.RemoveAll(t => t < horizonTicks);
        times.Sort();
        var skip = Math.Max(0, times.Count - MaxKept);
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
        var ticks = Ticks;
        var seconds = new long[count];
        for (var i = 0; i < count; i++)
        {
            seconds[i] = new DateTimeOffset(ticks[i], TimeSpan.Zero).ToUnixTimeSeconds();
        }

        return seconds;
    }

    /// <summary>Adds each UTC tick count of the list to <paramref name="into"/>.</summary>
    public void CopyTicksTo(List<long> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var ticks = Ticks;
        for (var i = 0; i < count; i++)
        {
            into.Add(ticks[i]);
        }
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<DateTimeOffset> IEnumerable<DateTimeOffset>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    [InlineArray(InlineCapacity)]
    private struct InlineTicks
    {
        private long first;
    }

    public struct Enumerator(ImpressionTimes list) : IEnumerator<DateTimeOffset>
    {
        private int index = -1;

        public readonly DateTimeOffset Current => list[index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++index < list.count;

        public void Reset() => index = -1;

        public readonly void Dispose()
        {
        }
    }
}
