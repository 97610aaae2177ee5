using System.Collections.Concurrent;

namespace Dco.Core.Decisioning;

/// <summary>
/// One instance of each asset id and combination key that viewers' impressions are held under, shared by
/// the engine (<see cref="Decision.CombinationKey"/>) and the viewer state that counts them: a viewer's rows
/// are found by comparing key references, and a campaign has far fewer distinct keys than its viewers hold
/// (each ~100 characters). Bounded: past <see cref="MaxKeys"/> a key is kept as it came, and callers must
/// then compare by value too. Thread-safe.
/// </summary>
public static class PooledKeys
{
    /// <summary>How many keys are pooled at most.</summary>
    public const int MaxKeys = 1 << 17;

    private static readonly ConcurrentDictionary<string, string> Keys = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KeysBySpan =
        Keys.GetAlternateLookup<ReadOnlySpan<char>>();

    private static int count;

    /// <summary>The pooled instance of <paramref name="key"/> in <paramref name="held"/>; false (and the key itself) when the pool is full.</summary>
    public static bool TryIntern(string key, out string held)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Keys.TryGetValue(key, out var pooled))
        {
            held = pooled;
            return true;
        }

        return TryAdd(key, out held);
    }

    /// <summary>The pooled instance of <paramref name="key"/>, made only when it is new; a new string when the pool is full.</summary>
    public static string Intern(ReadOnlySpan<char> key)
    {
        TryIntern(key, out var held);
        return held;
    }

    /// <summary>The pooled instance of <paramref name="key"/> (made only when it is new) in <paramref name="held"/>; false, and a new string, when the pool is full.</summary>
    public static bool TryIntern(ReadOnlySpan<char> key, out string held)
    {
        if (KeysBySpan.TryGetValue(key, out var pooled))
        {
            held = pooled;
            return true;
        }

        return TryAdd(key.ToString(), out held);
    }

    private static bool TryAdd(string key, out string held)
    {
        if (Volatile.Read(ref count) < MaxKeys)
        {
            held = Keys.GetOrAdd(key, key);
            if (ReferenceEquals(held, key))
            {
                Interlocked.Increment(ref count);
            }

            return true;
        }

        held = key;
        return false;
    }
}
