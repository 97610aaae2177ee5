using System.Collections.Concurrent;
using System.Numerics;

namespace Dco.Core.Decisioning.Engine;

/// <summary>
/// The combination key (<see cref="Decision.CombinationKey"/>: asset ids joined by '|', the pooled instance) of each
/// combination a compiled campaign has chosen, found by the chosen assets' indices. Joining ~100 characters and
/// looking the result up in <see cref="PooledKeys"/> hashed and compared the whole key on every decision, and at
/// saturation every lookup is a cache miss or two: a campaign with at most <see cref="MaxDense"/> combinations keeps
/// them in one array indexed by the combination's ordinal (one read); a larger one in a dictionary under the indices
/// packed into one <see cref="long"/> (bounded by <see cref="MaxCached"/>). Only pooled instances are kept, so a key
/// found here is always the pooled one. A campaign whose indices do not fit 63 bits, a default decision and a
/// combination past the bound take the joined path. Thread-safe.
/// </summary>
internal sealed class CombinationKeys
{
    /// <summary>Most combinations a campaign may have for them to be kept in one array by ordinal.</summary>
    public const int MaxDense = 1 << 16;

    /// <summary>How many combinations a larger campaign keeps at most.</summary>
    public const int MaxCached = 1 << 16;

    private readonly int[] slotStart;
    private readonly int[] slotSize;
    private readonly int combinations; // the product of the slot sizes, or 0 when it exceeds MaxDense
    private readonly int bitsPerSlot; // 0: the indices do not fit one long
    private readonly ConcurrentDictionary<long, string> keys = new();
    private readonly int maxCached;
    private string?[]? dense;
    private int count;

    /// <param name="slotStart">Each slot's first global asset index.</param>
    /// <param name="slotSize">Each slot's number of assets.</param>
    /// <param name="assetCount">The campaign's number of assets.</param>
    /// <param name="maxDense">At most this many combinations are kept in one array (tests set less than <see cref="MaxDense"/>).</param>
    /// <param name="maxCached">A larger campaign keeps at most this many (tests set less than <see cref="MaxCached"/>).</param>
    public CombinationKeys(int[] slotStart, int[] slotSize, int assetCount, int maxDense = MaxDense, int maxCached = MaxCached)
    {
        this.slotStart = slotStart;
        this.slotSize = slotSize;
        this.maxCached = maxCached;
        long product = 1;
        foreach (var size in slotSize)
        {
            product = size <= 0 ? 0 : Math.Min(product * size, maxDense + 1L);
        }

        combinations = slotSize.Length > 0 && product > 0 && product <= maxDense ? (int)product : 0;
        var bits = Math.Max(1, 64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, assetCount - 1)));
        bitsPerSlot = slotSize.Length > 0 && bits * slotSize.Length <= 63 ? bits : 0;
    }

    /// <summary>How many combinations are kept.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>
    /// The key of <paramref name="assetIds"/>, the assets chosen per slot; <paramref name="slots"/> is the decision's
    /// trace, whose <see cref="SlotTrace.Asset"/> is the global index of each of those assets (empty for a default
    /// decision). <paramref name="pooled"/>: whether it is the instance <see cref="PooledKeys"/> holds (false only
    /// when the pool was full).
    /// </summary>
    public string For(IReadOnlyList<string> assetIds, ReadOnlySpan<SlotTrace> slots, out bool pooled)
    {
        var slotCount = slotSize.Length;
        if (slots.Length != slotCount || assetIds.Count != slotCount)
        {
            return Join(assetIds, out pooled);
        }

        if (combinations > 0)
        {
            var ordinal = 0;
            for (var s = 0; s < slotCount; s++)
            {
                var local = slots[s].Asset - slotStart[s];
                if ((uint)local >= (uint)slotSize[s])
                {
                    return Join(assetIds, out pooled);
                }

                ordinal = (ordinal * slotSize[s]) + local;
            }

            var table = Volatile.Read(ref dense) ?? InitializeDense();
            if (Volatile.Read(ref table[ordinal]) is { } known)
            {
                pooled = true;
                return known;
            }

            var joined = Join(assetIds, out pooled);
            if (pooled && Interlocked.CompareExchange(ref table[ordinal], joined, null) is null)
            {
                Interlocked.Increment(ref count);
            }

            return joined;
        }

        if (bitsPerSlot == 0)
        {
            return Join(assetIds, out pooled);
        }

        long packed = 0;
        foreach (var slot in slots)
        {
            packed = (packed << bitsPerSlot) | (uint)slot.Asset;
        }

        if (keys.TryGetValue(packed, out var key))
        {
            pooled = true;
            return key;
        }

        key = Join(assetIds, out pooled);
        if (pooled && Volatile.Read(ref count) < maxCached && keys.TryAdd(packed, key))
        {
            Interlocked.Increment(ref count);
        }

        return key;
    }

    /// <summary>The asset ids joined by '|' on the stack, then the pooled instance: no string for a key pooled already.</summary>
    internal static string Join(IReadOnlyList<string> assetIds, out bool pooled)
    {
        const int StackLimit = 512;
        var length = Math.Max(0, assetIds.Count - 1);
        for (var i = 0; i < assetIds.Count; i++)
        {
            length += assetIds[i].Length;
        }

        string interned;
        if (length > StackLimit)
        {
            pooled = PooledKeys.TryIntern(string.Join('|', assetIds), out interned);
            return interned;
        }

        Span<char> key = stackalloc char[length]; // zeroed first: only as long as the key
        var at = 0;
        for (var i = 0; i < assetIds.Count; i++)
        {
            if (i > 0)
            {
                key[at++] = '|';
            }

            assetIds[i].CopyTo(key[at..]);
            at += assetIds[i].Length;
        }

        pooled = PooledKeys.TryIntern(key, out interned);
        return interned;
    }

    private string?[] InitializeDense()
    {
        Interlocked.CompareExchange(ref dense, new string?[combinations], null);
        return dense!;
    }
}
