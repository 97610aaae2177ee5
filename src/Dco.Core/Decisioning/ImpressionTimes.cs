using System.Collections;

namespace Dco.Core.Decisioning;

/// <summary>
/// A viewer's recent impression times for one key, in time order, at most <see cref="MaxKept"/> of them,
/// the latest; a viewer's live state holds its campaign-wide times in one (each asset's and combination's
/// are rows of a <see cref="KeyedImpressions"/>, the same storage, <see cref="TickList"/>). Appended in
/// place, so counting a served creative allocates nothing once the list has grown to its size and creates
/// no reference from long-lived viewer state to new objects (docs/decisions/0013-viewer-state-in-place.md).
/// Not thread-safe: its owner serializes every reader and writer (ViewerStateCache holds the
/// viewer's lock across a decision's cap checks and the record of what it served).
/// </summary>
public sealed class ImpressionTimes : FrequencyEntry, IReadOnlyList<DateTimeOffset>
{
    /// <summary>The most impressions kept per key: more than any frequency cap counts.</summary>
    public const int MaxKept = 64;

    private TickList times;

    /// <summary>A list of no key in particular (a viewer's impressions of a whole campaign).</summary>
    public ImpressionTimes(int capacity = 1)
        : this("", capacity)
    {
    }

    /// <summary>The list of one key, itself the key's <see cref="FrequencyEntry"/>.</summary>
    public ImpressionTimes(string key, int capacity = 1)
        : base(key)
    {
        times = new TickList(capacity);
    }

    public int Count => times.Count;

    public DateTimeOffset this[int index] =>
        (uint)index < (uint)times.Count ? new DateTimeOffset(times.Held[index], TimeSpan.Zero) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>How many impressions are later than <paramref name="afterTicks"/> (UTC ticks), by binary search.</summary>
    public int CountAfter(long afterTicks) => times.CountAfter(afterTicks);

    /// <summary>
    /// Adds an impression at <paramref name="atTicks"/> in time order, after dropping those before
    /// <paramref name="horizonTicks"/> and, when full, the oldest.
    /// </summary>
    public void Add(long atTicks, long horizonTicks) => times.Add(atTicks, horizonTicks);

    /// <summary>Replaces the content with <paramref name="ticks"/> (UTC ticks, any order) not before the horizon, the latest <see cref="MaxKept"/>.</summary>
    public void ReplaceWith(List<long> ticks, long horizonTicks) => times.ReplaceWith(ticks, horizonTicks);

    /// <summary>Drops the impressions before <paramref name="horizonTicks"/>.</summary>
    public void DropBefore(long horizonTicks) => times.DropBefore(horizonTicks);

    /// <summary>The times as Unix seconds, oldest first (the stored precision of frequency buckets).</summary>
    public long[] ToUnixSeconds() => times.ToUnixSeconds();

    /// <summary>Adds each UTC tick count of the list to <paramref name="into"/>.</summary>
    public void CopyTicksTo(List<long> into) => times.CopyTicksTo(into);

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<DateTimeOffset> IEnumerable<DateTimeOffset>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(ImpressionTimes list) : IEnumerator<DateTimeOffset>
    {
        private int index = -1;

        public readonly DateTimeOffset Current => list[index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++index < list.Count;

        public void Reset() => index = -1;

        public readonly void Dispose()
        {
        }
    }
}
