using System.Numerics;

namespace Dco.Core.Decisioning.Engine;

/// <summary>Bitset helpers over ulong spans: assets are bits, one run of words per slot.</summary>
internal static class Bits
{
    public static int WordCount(int bits) => (bits + 63) >> 6;

    public static bool Get(ReadOnlySpan<ulong> words, int bit) => (words[bit >> 6] & (1UL << (bit & 63))) != 0;

    public static void Set(Span<ulong> words, int bit) => words[bit >> 6] |= 1UL << (bit & 63);

    public static void Clear(Span<ulong> words, int bit) => words[bit >> 6] &= ~(1UL << (bit & 63));

    public static void SetFirst(Span<ulong> words, int bits)
    {
        words.Clear();
        var full = bits >> 6;
        words[..full].Fill(ulong.MaxValue);
        if ((bits & 63) != 0)
        {
            words[full] = (1UL << (bits & 63)) - 1;
        }
    }

    public static bool Any(ReadOnlySpan<ulong> words)
    {
        foreach (var w in words)
        {
            if (w != 0)
            {
                return true;
            }
        }

        return false;
    }

    public static void And(Span<ulong> target, ReadOnlySpan<ulong> other)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] &= other[i];
        }
    }

    /// <summary>Index of the next set bit at or after <paramref name="from"/>, or -1.</summary>
    public static int Next(ReadOnlySpan<ulong> words, int from)
    {
        var wi = from >> 6;
        if (wi >= words.Length)
        {
            return -1;
        }

        var w = words[wi] & (ulong.MaxValue << (from & 63));
        while (true)
        {
            if (w != 0)
            {
                return (wi << 6) + BitOperations.TrailingZeroCount(w);
            }

            wi++;
            if (wi >= words.Length)
            {
                return -1;
            }

            w = words[wi];
        }
    }
}
