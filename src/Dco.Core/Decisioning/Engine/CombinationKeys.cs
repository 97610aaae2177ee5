using System.Collections.Concurrent;
using System.Numerics;

namespace Dco.Core.Decisioning.Engine;

/// <summary>
/// The combination key (<see cref="Decision.CombinationKey"/>: asset ids joined by '|', the pooled instance) of each
/// combination a compiled campaign has chosen, found by the chosen assets' indices packed into one number. Joining
/// ~100 characters and looking the result up in <see cref="PooledKeys"/> hashed and compared the whole key on every
/// decision; this looks up one <see cref="long"/>. Bounded (<see cref="MaxCached"/>); a campaign whose slots' indices
/// do not fit 63 bits, a default decision and a combination past the bound take the joined path. Thread-safe.
/// </summary>
internal sealed class CombinationKeys
{
    /// <summary>How many combinations are kept at most per compiled campaign.</summary>
    public const int MaxCached = 1 << 16;

    private readonly ConcurrentDictionary<long, string> keys = new();
    private readonly int slotCount;
    private readonly int bitsPerSlot; // 0: the indices do not fit one long
    private int count;

    public CombinationKeys(int slotCount, int assetCount)
    {
        this.slotCount = slotCount;
        var bits = Math.Max(1, 64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, assetCount - 1)));
        bitsPerSlot = slotCount > 0 && bits * slotCount <= 63 ? bits : 0;
    }

    /// <summary>How many combinations are kept.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>
    /// The pooled key of <paramref name="assetIds"/>, the assets chosen per slot; <paramref name="slots"/> is the
    /// decision's trace, whose <see cref="SlotTrace.Asset"/> is the global index of each of those assets (empty for
    /// a default decision).
    /// </summary>
    public string For(IReadOnlyList<string> assetIds, ReadOnlySpan<SlotTrace> slots)
    {
        if (bitsPerSlot == 0 || slots.Length != slotCount || assetIds.Count != slotCount)
        {
            return Join(assetIds);
        }

        long packed = 0;
        foreach (var slot in slots)
        {
            packed = (packed << bitsPerSlot) | (uint)slot.Asset;
        }

        if (keys.TryGetValue(packed, out var key))
        {
            return key;
        }

        key = Join(assetIds);
        if (Volatile.Read(ref count) < MaxCached && keys.TryAdd(packed, key))
        {
            Interlocked.Increment(ref count);
        }

        return key;
    }

    /// <summary>The asset ids joined by '|' on the stack, then the pooled instance: no string for a key pooled already.</summary>
    internal static string Join(IReadOnlyList<string> assetIds)
    {
        const int StackLimit = 512;
        var length = Math.Max(0, assetIds.Count - 1);
        for (var i = 0; i < assetIds.Count; i++)
        {
            length += assetIds[i].Length;
        }

        if (length > StackLimit)
        {
            return PooledKeys.Intern(string.Join('|', assetIds));
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

        return PooledKeys.Intern(key);
    }
}
