using System.Collections;

namespace Dco.Core.Decisioning;

/// <summary>
/// A viewer's recent impression times for one key (the campaign, an asset, a combination), in time
/// order, at most <see cref="MaxKept"/> of them, the latest. Appended in place, so counting a served
/// creative allocates nothing once the list has grown to its size and creates no reference from
/// long-lived viewer state to new objects (docs/decisions/0013-viewer-state-in-place.md).
/// Not thread-safe: its owner serializes every reader and writer (ViewerStateCache holds the
/// viewer's lock across a decision's cap checks and the record of what it served).
/// </summary>
public sealed class ImpressionTimes : IReadOnlyList<DateTimeOffset>
{
    /// <summary>The most impressions kept per key: more than any frequency cap counts.</summary>
    public const int MaxKept = 64;

    private long[] ticks;
    private int count;

    public ImpressionTimes(int capacity = 1)
    {
        ticks = new long[Math.Clamp(capacity, 1, MaxKept)];
    }

    public int Count => count;

    public DateTimeOffset this[int index] =>
        (uint)index < (uint)count ? new DateTimeOffset(ticks[index], TimeSpan.Zero) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>How many impressions are later than <paramref name="afterTicks"/> (UTC ticks), counted from the latest.</summary>
    public int CountAfter(long afterTicks)
    {
        var n = 0;
        for (var i = count - 1; i >= 0 && ticks[i] > afterTicks; i--)
        {
            n++;
        }

        return n;
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

        if (count == MaxKept)
        {
            if (atTicks < ticks[0])
            {
                return; // older than every one kept
            }

            Array.Copy(ticks, 1, ticks, 0, --count);
        }
        else if (count == ticks.Length)
        {
            Array.Resize(ref ticks, Math.Min(MaxKept, ticks.Length * 2));
        }

        var at = count;
        while (at > 0 && ticks[at - 1] > atTicks)
        {
            at--;
        }

        Array.Copy(ticks, at, ticks, at + 1, count - at);
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
        if (ticks.Length < count)
        {
            ticks = new long[count];
        }

        times.CopyTo(skip, ticks, 0, count);
    }

    /// <summary>Drops the impressions before <paramref name="horizonTicks"/>.</summary>
    public void DropBefore(long horizonTicks)
    {
        var expired = 0;
        while (expired < count && ticks[expired] < horizonTicks)
        {
            expired++;
        }

        if (expired > 0)
        {
            Array.Copy(ticks, expired, ticks, 0, count - expired);
            count -= expired;
        }
    }

    /// <summary>The times as Unix seconds, oldest first (the stored precision of frequency buckets).</summary>
    public long[] ToUnixSeconds()
    {
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
        for (var i = 0; i < count; i++)
        {
            into.Add(ticks[i]);
        }
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<DateTimeOffset> IEnumerable<DateTimeOffset>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

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
